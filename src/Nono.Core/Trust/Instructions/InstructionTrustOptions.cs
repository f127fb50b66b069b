using Nono.Core.Trust.Sigstore;

namespace Nono.Core.Trust.Instructions;

/// <summary>What <see cref="InstructionTrust.VerifyAsync"/> needs besides the policy.</summary>
public sealed record InstructionTrustOptions
{
    /// <summary>
    /// Trusted root (Fulcio CAs, Rekor and CT logs) for keyless bundles. Without it, keyless
    /// bundles fail verification; keyed bundles need none.
    /// </summary>
    public TrustedRoot? TrustedRoot { get; init; }
}
