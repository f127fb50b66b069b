namespace Nono.Core.Trust.Tuf;

/// <summary>Where the TUF client fetches from, caches to, and what it trusts first.</summary>
public sealed record TufClientOptions
{
    /// <summary>Sigstore's public-good TUF repository.</summary>
    public static readonly Uri SigstorePublicGood = new("https://tuf-repo-cdn.sigstore.dev/");

    /// <summary>Repository base URL (metadata at the root, targets under <c>targets/</c>).</summary>
    public Uri RepositoryUrl { get; init; } = SigstorePublicGood;

    /// <summary>Cache folder for verified metadata and the target.</summary>
    public required string CacheDirectory { get; init; }

    /// <summary>The trust anchor <c>root.json</c>; null means the embedded Sigstore public-good root.</summary>
    public byte[]? TrustAnchor { get; init; }

    /// <summary>Clock for expiry checks.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
