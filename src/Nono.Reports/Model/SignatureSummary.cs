namespace Nono.Reports.Model;

/// <summary>How the session record was signed and how to check it.</summary>
/// <param name="Method"><c>keyless</c>, <c>key</c> or <c>none</c>.</param>
/// <param name="Identity">Certificate identity (keyless) or key fingerprint (keyed).</param>
/// <param name="BundleFile">File name of the Sigstore bundle inside the artifact.</param>
/// <param name="VerifyCommand">The command a reviewer runs to verify.</param>
public sealed record SignatureSummary(string Method, string? Identity, string? BundleFile, string? VerifyCommand);
