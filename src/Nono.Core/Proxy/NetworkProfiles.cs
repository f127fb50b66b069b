namespace Nono.Core.Proxy;

/// <summary>Named host lists for <see cref="ProxyOptions.AllowedHosts"/> (data; profiles may add hosts on top).</summary>
public static class NetworkProfiles
{
    private static readonly string[] s_llm =
    [
        "api.openai.com", "api.anthropic.com", "generativelanguage.googleapis.com", "api.mistral.ai",
        "api.groq.com", "api.deepseek.com", "openrouter.ai", "api.together.xyz", "api.x.ai",
    ];

    private static readonly string[] s_github =
    [
        "github.com", "api.github.com", "codeload.github.com", "uploads.github.com", "objects.githubusercontent.com",
        "raw.githubusercontent.com", "release-assets.githubusercontent.com", "ghcr.io", "pkg-containers.githubusercontent.com",
    ];

    private static readonly string[] s_registries =
    [
        "registry.npmjs.org", "registry.yarnpkg.com", "pypi.org", "files.pythonhosted.org", "api.nuget.org",
        "globalcdn.nuget.org", "crates.io", "index.crates.io", "static.crates.io", "proxy.golang.org", "sum.golang.org",
        "rubygems.org", "repo.maven.apache.org", "repo1.maven.org", "deb.debian.org", "security.debian.org",
    ];

    private static readonly string[] s_developerExtra =
    [
        "gitlab.com", "registry.gitlab.com", "fulcio.sigstore.dev", "rekor.sigstore.dev", "tuf-repo-cdn.sigstore.dev",
        "oauth2.sigstore.dev", "docs.python.org", "developer.mozilla.org", "learn.microsoft.com", "docs.rs", "pkg.go.dev",
        "nodejs.org", "docs.github.com",
    ];

    /// <summary>The profile names: <c>minimal</c>, <c>developer</c>, <c>github</c>, <c>package-registries</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["minimal", "developer", "github", "package-registries"];

    /// <summary>The hosts of profile <paramref name="name"/>, or null when there is no such profile.</summary>
    public static IReadOnlyList<string>? Find(string name) => name switch
    {
        "minimal" => s_llm,
        "github" => s_github,
        "package-registries" => s_registries,
        "developer" => [.. s_llm, .. s_registries, .. s_github, .. s_developerExtra],
        _ => null,
    };
}
