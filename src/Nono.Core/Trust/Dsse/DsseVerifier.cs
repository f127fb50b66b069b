using Nono.Core.Trust.Keys;

namespace Nono.Core.Trust.Dsse;

/// <summary>Checks DSSE envelope signatures.</summary>
public static class DsseVerifier
{
    /// <summary>True when at least one signature of the envelope verifies with <paramref name="key"/> over the PAE.</summary>
    public static bool Verify(DsseEnvelope envelope, VerificationKey key)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(key);
        byte[] pae = DssePae.Encode(envelope.PayloadType, envelope.Payload);
        return envelope.Signatures.Any(s => s.Sig.Length > 0 && key.Verify(pae, s.Sig));
    }
}
