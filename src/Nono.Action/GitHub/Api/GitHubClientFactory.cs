using System.Diagnostics.CodeAnalysis;
using Octokit;
using Octokit.Internal;

namespace Nono.Action.GitHub.Api;

/// <summary>Creates Octokit clients that work under NativeAOT (see <see cref="AotOctokitSerializer"/>).</summary>
internal static class GitHubClientFactory
{
    /// <summary>What Octokit's reflection reads of a model: constructors, properties and fields, public or not.</summary>
    private const DynamicallyAccessedMemberTypes Model =
        DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.NonPublicConstructors |
        DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.NonPublicProperties |
        DynamicallyAccessedMemberTypes.PublicFields | DynamicallyAccessedMemberTypes.NonPublicFields;

    /// <summary>
    /// Octokit is trimmed like any other assembly (rooting it whole made every start-up rehydrate thousands of unused
    /// types). What it still reaches by reflection on nono's paths is kept here, each for a reason:
    /// the enums nono sets through <c>StringEnum</c> (its constructor reads the members' <c>[Parameter]</c> names),
    /// <c>ListArtifactsRequest</c> (query parameters are read from its properties and their <c>[Parameter]</c> keys), and
    /// <c>ApiError</c> (an <c>ApiException</c> parses the error body with Octokit's reflection serializer for its message).
    /// tests/Nono.Action.Tests/Install/AotGitHubApiTests drives these paths through the NativeAOT binary.
    /// </summary>
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicFields, typeof(CheckStatus))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicFields, typeof(CheckConclusion))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicFields, typeof(CheckAnnotationLevel))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicProperties, typeof(ParameterAttribute))]
    [DynamicDependency(Model, typeof(ListArtifactsRequest))]
    [DynamicDependency(Model, typeof(ApiError))]
    [DynamicDependency(Model, typeof(ApiErrorDetail))]
    public static GitHubClient Create(Uri apiBase, string? token)
    {
        ProductHeaderValue product = new("nono-sandbox", typeof(GitHubClientFactory).Assembly.GetName().Version?.ToString() ?? "0");
        ICredentialStore credentials = token is null ? new InMemoryCredentialStore(Credentials.Anonymous) : new InMemoryCredentialStore(new Credentials(token));
        Connection connection = new(product, apiBase, credentials, new HttpClientAdapter(HttpMessageHandlerFactory.CreateDefault), new AotOctokitSerializer());
        return new GitHubClient(connection);
    }
}
