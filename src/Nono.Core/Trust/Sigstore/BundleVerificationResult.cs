namespace Nono.Core.Trust.Sigstore;

/// <summary>Outcome of verifying a Sigstore bundle.</summary>
/// <param name="Verified">True when every check passed.</param>
/// <param name="Failure">The first failed check, as one line; null when verified.</param>
public sealed record BundleVerificationResult(bool Verified, string? Failure)
{
    /// <summary>A successful result.</summary>
    public static BundleVerificationResult Success { get; } = new(true, null);

    /// <summary>The stage that failed; null when verified.</summary>
    public BundleCheck? FailedCheck { get; init; }

    /// <summary>A failed result.</summary>
    public static BundleVerificationResult Fail(string reason) => new(false, reason);

    /// <summary>A failed result naming the stage.</summary>
    public static BundleVerificationResult Fail(string reason, BundleCheck check) => new(false, reason) { FailedCheck = check };
}
