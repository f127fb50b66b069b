namespace Nono.Core.Trust.Sigstore;

/// <summary>The names reports and CLI errors use for <see cref="BundleCheck"/> stages.</summary>
public static class BundleCheckNames
{
    /// <summary>The stage's name, as in JSON: bundle, signature, rekor_entry, timestamp, certificate_chain, sct, identity.</summary>
    public static string Name(this BundleCheck check) => check switch
    {
        BundleCheck.Bundle => "bundle",
        BundleCheck.Signature => "signature",
        BundleCheck.TransparencyLog => "rekor_entry",
        BundleCheck.Timestamp => "timestamp",
        BundleCheck.CertificateChain => "certificate_chain",
        BundleCheck.CertificateTransparency => "sct",
        BundleCheck.Identity => "identity",
        _ => check.ToString().ToLowerInvariant(),
    };
}
