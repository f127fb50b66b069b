namespace Nono.Core.Proxy;

/// <summary>
/// Endpoints that turn the route's credential into a new, longer-lived one (an access token, a runner registration, an
/// SSH or deploy key): a phantom-token holder could otherwise mint a real credential through the proxy and keep it after
/// the session. Denied by default on the built-in github and gitlab routes (paths relative to the route; GitHub REST
/// and GitLab REST v4 as documented). Every method but a plain GET, HEAD or OPTIONS is denied on these paths, although
/// the documented one is POST (or PATCH): a form body's <c>_method</c> (Rack) could turn a POST into it, and bodies are
/// not read here. GraphQL mutations are matched by <see cref="GitHubGraphQl"/> (bodies of the GraphQL endpoint are read).
/// </summary>
internal static class MintingEndpoints
{
    /// <summary>api.github.com.</summary>
    public static readonly EndpointRule[] GitHub =
    [
        new("*", "/app/installations/*/access_tokens"), // installation token (needs the app's JWT)
        new("*", "/applications/*/token/scoped"), // a scoped user token from an OAuth app's
        new("*", "/applications/*/token"), // resets an OAuth token: a new one is returned
        new("*", "/authorizations/**"), // the old OAuth Authorizations API
        new("*", "/repos/*/*/actions/runners/registration-token"), // a runner receives jobs and their secrets
        new("*", "/repos/*/*/actions/runners/generate-jitconfig"),
        new("*", "/orgs/*/actions/runners/registration-token"),
        new("*", "/orgs/*/actions/runners/generate-jitconfig"),
        new("*", "/enterprises/*/actions/runners/registration-token"),
        new("*", "/enterprises/*/actions/runners/generate-jitconfig"),
        new("*", "/repositories/*/actions/runners/registration-token"), // /repositories/{id} and /organizations/{id}:
        new("*", "/repositories/*/actions/runners/generate-jitconfig"), // the API's by-id aliases of /repos and /orgs
        new("*", "/organizations/*/actions/runners/registration-token"),
        new("*", "/organizations/*/actions/runners/generate-jitconfig"),
        new("*", "/repos/*/*/keys"), // deploy key: git access with a key of the caller's
        new("*", "/repositories/*/keys"),
        new("*", "/user/keys"), // SSH key on the user's account
    ];

    /// <summary>
    /// Mutations of GitHub's GraphQL API (api.github.com/graphql, GHES /api/graphql), matched as
    /// <see cref="CredentialService.DeniedGraphQlMutations"/>. GitHub's schema (octokit/graphql-schema, the GraphQL
    /// reference's mutation list) has no key or token mutation today: the REST endpoints above are the only way to mint
    /// those. It has two that hand out a way in: <c>setEnterpriseIdentityProvider</c> (a SAML identity provider of the
    /// caller's signs in as any member) and <c>regenerateEnterpriseIdentityProviderRecoveryCodes</c> (returns new
    /// recovery codes, which sign in past the identity provider). The words cover, ahead of need, any mutation named
    /// for what the REST denies mint (keys, tokens, secrets, credentials, runners and their JIT configs, OAuth
    /// authorizations, certificates); today that also refuses <c>regenerateVerifiableDomainToken</c> (a DNS
    /// verification value), a rare organisation-admin action. Not denied, as on REST: membership and role changes, and
    /// <c>createCommitOnBranch</c> adding a workflow that prints secrets (the token's scope decides; pushing workflows
    /// needs the <c>workflow</c> scope).
    /// </summary>
    public static readonly string[] GitHubGraphQl =
    [
        "setEnterpriseIdentityProvider",
        "regenerateEnterpriseIdentityProviderRecoveryCodes",
        "key", "keys", "token", "tokens", "secret", "secrets", "credential", "credentials", "password", "passwords",
        "runner", "runners", "jitconfig", "oauth", "authorization", "authorizations", "impersonation", "certificate", "certificates",
        "recovery",
    ];

    /// <summary>gitlab.com/api/v4.</summary>
    public static readonly EndpointRule[] GitLab =
    [
        new("*", "/personal_access_tokens"),
        new("*", "/personal_access_tokens/*/rotate"), // self/rotate included
        new("*", "/user/personal_access_tokens"),
        new("*", "/users/*/personal_access_tokens"),
        new("*", "/users/*/impersonation_tokens"),
        new("*", "/projects/*/access_tokens"),
        new("*", "/projects/*/access_tokens/*/rotate"),
        new("*", "/groups/*/access_tokens"),
        new("*", "/groups/*/access_tokens/*/rotate"),
        new("*", "/groups/*/service_accounts/*/personal_access_tokens"),
        new("*", "/groups/*/service_accounts/*/personal_access_tokens/*/rotate"),
        new("*", "/projects/*/service_accounts/*/personal_access_tokens"), // newer service-account scopes, denied ahead
        new("*", "/projects/*/service_accounts/*/personal_access_tokens/*/rotate"),
        new("*", "/service_accounts/*/personal_access_tokens"),
        new("*", "/service_accounts/*/personal_access_tokens/*/rotate"),
        new("*", "/projects/*/deploy_tokens"),
        new("*", "/groups/*/deploy_tokens"),
        new("*", "/projects/*/deploy_keys"),
        new("*", "/projects/*/deploy_keys/*/enable"), // a key registered elsewhere, enabled here
        new("*", "/user/keys"),
        new("*", "/users/*/keys"),
        new("*", "/groups/*/ssh_certificates"), // a group SSH certificate authority: certificates it signs get git access
        new("*", "/deploy_keys"), // instance-level deploy key (admin)
        new("*", "/user/runners"), // returns the runner's authentication token
        new("*", "/runners/reset_registration_token"),
        new("*", "/projects/*/runners/reset_registration_token"),
        new("*", "/groups/*/runners/reset_registration_token"),
        new("*", "/runners/*/reset_authentication_token"),
        new("*", "/projects/*/triggers"), // pipeline trigger token
        new("*", "/projects/*/cluster_agents/*/tokens"),
        new("*", "/applications"), // OAuth application secret
        new("*", "/applications/*/renew-secret"),
    ];
}
