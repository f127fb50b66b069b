using Nono.Testing;

namespace Nono.Core.Tests.Trust.Sigstore;

/// <summary>
/// Locates the Sigstore conformance material: <c>&lt;repo&gt;/../shared/sigstore</c> (CI clones
/// the repository next to <c>shared/</c>). It is never copied into the repository.
/// </summary>
internal static class SigstoreConformance
{
    public const string DefaultIdentity = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
    public const string DefaultIssuer = "https://token.actions.githubusercontent.com";

    public static string Root { get; } = Path.GetFullPath(Path.Combine(NonoExecutable.RepositoryRoot, "..", "shared", "sigstore"));

    public static string CasesFolder => Path.Combine(Root, "bundle-verify");

    public static bool Available => Directory.Exists(CasesFolder);

    public static string SkipReason => $"Sigstore conformance material not found at {Root} (expected shared/sigstore beside the clone)";

    public static string PublicGoodTrustedRoot => Path.Combine(Root, "public-good-trusted-root.json");

    public static IEnumerable<string> CaseNames() =>
        Available ? Directory.EnumerateDirectories(CasesFolder).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal) : ["(conformance material missing)"];

    public static string ReadOr(string caseDir, string file, string fallback) =>
        File.Exists(Path.Combine(caseDir, file)) ? File.ReadAllText(Path.Combine(caseDir, file)).Trim() : fallback;
}
