namespace Nono.Core.Proxy;

/// <summary>
/// A credential route: requests to <c>http://127.0.0.1:PORT/&lt;Name&gt;/...</c> carrying the session's phantom token
/// are forwarded to <see cref="Upstream"/> with the real credential injected. Keys follow the Rust nono's
/// custom-service configuration (<c>upstream</c>, <c>credential_key</c>, <c>inject_mode</c>, <c>inject_header</c>,
/// <c>credential_format</c>, <c>env_var</c>).
/// </summary>
public sealed record CredentialService
{
    /// <summary>Route name (lower-case letters, digits, <c>-</c>, <c>_</c>), the first path segment of the route.</summary>
    public required string Name { get; init; }

    /// <summary>The <c>https://</c> upstream base URL (<c>http://</c> only for a loopback host).</summary>
    public required Uri Upstream { get; init; }

    /// <summary>
    /// Where the real credential comes from: <c>env://VAR</c> (the supervisor environment passed in) or <c>file://PATH</c>.
    /// Exactly one of this and <see cref="CredentialCommand"/> is set.
    /// </summary>
    public string? CredentialKey { get; init; }

    /// <summary>
    /// A command (absolute path, then arguments; no shell) whose standard output is the credential, e.g. a secret
    /// manager's CLI. It runs in the supervisor with only <see cref="ProxyOptions.SupervisorEnvironment"/> as environment.
    /// </summary>
    public IReadOnlyList<string> CredentialCommand { get; init; } = [];

    /// <summary>Where the credential is injected.</summary>
    public InjectMode InjectMode { get; init; } = InjectMode.Header;

    /// <summary>For <see cref="InjectMode.Header"/>: the header name.</summary>
    public string InjectHeader { get; init; } = "Authorization";

    /// <summary>How the credential is written; <c>{}</c> stands for the credential, e.g. <c>Bearer {}</c>.</summary>
    public string CredentialFormat { get; init; } = "Bearer {}";

    /// <summary>For <see cref="InjectMode.QueryParam"/>: the query parameter name.</summary>
    public string QueryParameter { get; init; } = "key";

    /// <summary>The child environment variable that receives the phantom token (e.g. <c>OPENAI_API_KEY</c>).</summary>
    public required string EnvVar { get; init; }

    /// <summary>The child environment variable that receives the route URL; defaults to <c>&lt;NAME&gt;_BASE_URL</c>.</summary>
    public string? BaseUrlEnvVar { get; init; }

    /// <summary>When not empty, only requests matching one of these rules are forwarded; everything else is denied.</summary>
    public IReadOnlyList<EndpointRule> EndpointRules { get; init; } = [];

    /// <summary>
    /// Requests refused even when <see cref="EndpointRules"/> allow them (403 <c>token-minting-denied</c>): the built-in
    /// github and gitlab routes list the endpoints that mint a new credential from this one. Empty to allow them.
    /// </summary>
    public IReadOnlyList<EndpointRule> DeniedEndpoints { get; init; } = [];

    /// <summary>
    /// GraphQL mutations refused on the route's GraphQL endpoint (<c>/graphql</c>, <c>/api/graphql</c>; 403
    /// <c>graphql-mutation:NAME</c>): an entry matches a top-level mutation field of that name, or any camel-case word
    /// of its name (<c>key</c> matches <c>createDeployKey</c>), ignoring case. When not empty, request bodies to that
    /// endpoint are read (up to 1 MiB) before they are forwarded, and a request that cannot be read is refused. The
    /// built-in github route lists the mutations that mint a credential or a way in. Empty to allow them.
    /// </summary>
    public IReadOnlyList<string> DeniedGraphQlMutations { get; init; } = [];

    /// <summary>The base-URL variable actually used: <see cref="BaseUrlEnvVar"/> or <c>NAME_BASE_URL</c> (upper-cased, <c>-</c> to <c>_</c>).</summary>
    public string EffectiveBaseUrlEnvVar =>
        BaseUrlEnvVar ?? Name.ToUpperInvariant().Replace('-', '_') + "_BASE_URL";
}
