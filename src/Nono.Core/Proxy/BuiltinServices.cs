namespace Nono.Core.Proxy;

/// <summary>
/// The built-in credential routes (data, not policy: the caller decides which to enable). Each reads its real credential
/// from the supervisor variable of the same name as the child's phantom variable.
/// </summary>
public static class BuiltinServices
{
    private static readonly CredentialService[] s_all =
    [
        new()
        {
            Name = "openai", Upstream = new Uri("https://api.openai.com/v1"), CredentialKey = "env://OPENAI_API_KEY",
            InjectHeader = "Authorization", CredentialFormat = "Bearer {}", EnvVar = "OPENAI_API_KEY", BaseUrlEnvVar = "OPENAI_BASE_URL",
        },
        new()
        {
            Name = "anthropic", Upstream = new Uri("https://api.anthropic.com"), CredentialKey = "env://ANTHROPIC_API_KEY",
            InjectHeader = "x-api-key", CredentialFormat = "{}", EnvVar = "ANTHROPIC_API_KEY", BaseUrlEnvVar = "ANTHROPIC_BASE_URL",
        },
        new()
        {
            Name = "gemini", Upstream = new Uri("https://generativelanguage.googleapis.com"), CredentialKey = "env://GEMINI_API_KEY",
            InjectHeader = "x-goog-api-key", CredentialFormat = "{}", EnvVar = "GEMINI_API_KEY", BaseUrlEnvVar = "GOOGLE_GEMINI_BASE_URL",
        },
        new()
        {
            Name = "github", Upstream = new Uri("https://api.github.com"), CredentialKey = "env://GITHUB_TOKEN",
            InjectHeader = "Authorization", CredentialFormat = "Bearer {}", EnvVar = "GITHUB_TOKEN", BaseUrlEnvVar = "GITHUB_API_URL",
            DeniedEndpoints = MintingEndpoints.GitHub, DeniedGraphQlMutations = MintingEndpoints.GitHubGraphQl,
        },
        new()
        {
            Name = "gitlab", Upstream = new Uri("https://gitlab.com/api/v4"), CredentialKey = "env://GITLAB_TOKEN",
            InjectHeader = "PRIVATE-TOKEN", CredentialFormat = "{}", EnvVar = "GITLAB_TOKEN", BaseUrlEnvVar = "GITLAB_API_URL",
            DeniedEndpoints = MintingEndpoints.GitLab,
        },
    ];

    /// <summary>All built-in services.</summary>
    public static IReadOnlyList<CredentialService> All => s_all;

    /// <summary>The built-in service named <paramref name="name"/>, or null.</summary>
    public static CredentialService? Find(string name) =>
        Array.Find(s_all, s => string.Equals(s.Name, name, StringComparison.Ordinal));
}
