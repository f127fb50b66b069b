using Octokit;
using Octokit.Internal;

namespace Nono.Action.GitHub.Api;

/// <summary>Creates Octokit clients that work under NativeAOT (see <see cref="AotOctokitSerializer"/>).</summary>
internal static class GitHubClientFactory
{
    public static GitHubClient Create(Uri apiBase, string? token)
    {
        ProductHeaderValue product = new("nono-sandbox", typeof(GitHubClientFactory).Assembly.GetName().Version?.ToString() ?? "0");
        ICredentialStore credentials = token is null ? new InMemoryCredentialStore(Credentials.Anonymous) : new InMemoryCredentialStore(new Credentials(token));
        Connection connection = new(product, apiBase, credentials, new HttpClientAdapter(HttpMessageHandlerFactory.CreateDefault), new AotOctokitSerializer());
        return new GitHubClient(connection);
    }
}
