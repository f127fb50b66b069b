using System.Net;
using Nono.Core.Proxy;

namespace Nono.Core.Tests.Proxy;

public sealed partial class CredentialRouteTests
{
    [Theory]
    [InlineData("github", "POST", "/app/installations/42/access_tokens", "", HttpStatusCode.Forbidden)]
    [InlineData("github", "post", "/App/Installations/42/Access_Tokens", "", HttpStatusCode.Forbidden)] // case
    [InlineData("github", "POST", "/app/installations/42/%61ccess_tokens", "", HttpStatusCode.Forbidden)] // encoded letter
    [InlineData("github", "POST", "/app/installations/42/access_tokens/", "", HttpStatusCode.Forbidden)] // trailing slash
    [InlineData("github", "POST", "/app/installations/42/access_tokens.json", "", HttpStatusCode.Forbidden)] // format suffix
    [InlineData("github", "GET", "/app/installations/42/access_tokens", "X-HTTP-Method-Override: POST\r\n", HttpStatusCode.Forbidden)]
    [InlineData("github", "POST", "/applications/Iv1.abc/token/scoped", "", HttpStatusCode.Forbidden)]
    [InlineData("github", "PATCH", "/applications/Iv1.abc/token", "", HttpStatusCode.Forbidden)]
    [InlineData("github", "POST", "/applications/Iv1.abc/token", "", HttpStatusCode.Forbidden)] // a form body's _method=PATCH (Rack)
    [InlineData("github", "POST", "/authorizations", "", HttpStatusCode.Forbidden)]
    [InlineData("github", "PUT", "/authorizations/clients/abc", "", HttpStatusCode.Forbidden)]
    [InlineData("github", "POST", "/repos/o/r/actions/runners/registration-token", "", HttpStatusCode.Forbidden)]
    [InlineData("github", "POST", "/orgs/o/actions/runners/generate-jitconfig", "", HttpStatusCode.Forbidden)]
    [InlineData("github", "POST", "/repos/o/r/keys", "", HttpStatusCode.Forbidden)]
    [InlineData("github", "POST", "/user/keys", "", HttpStatusCode.Forbidden)]
    [InlineData("github", "POST", "/repositories/123/keys", "", HttpStatusCode.Forbidden)] // the by-id alias of /repos/o/r
    [InlineData("github", "POST", "/app/installations/42/access_tokens.xml", "", HttpStatusCode.Forbidden)]
    [InlineData("gitlab", "POST", "/personal_access_tokens/self/rotate", "", HttpStatusCode.Forbidden)]
    [InlineData("gitlab", "GET", "/personal_access_tokens/17/rotate?_method=post", "", HttpStatusCode.Forbidden)]
    [InlineData("gitlab", "POST", "/user/personal_access_tokens", "", HttpStatusCode.Forbidden)]
    [InlineData("gitlab", "POST", "/users/5/personal_access_tokens", "", HttpStatusCode.Forbidden)]
    [InlineData("gitlab", "POST", "/projects/9/access_tokens", "", HttpStatusCode.Forbidden)]
    [InlineData("gitlab", "POST", "/groups/3/access_tokens/8/rotate", "", HttpStatusCode.Forbidden)]
    [InlineData("gitlab", "POST", "/projects/9/deploy_tokens", "", HttpStatusCode.Forbidden)]
    [InlineData("gitlab", "POST", "/groups/3/service_accounts/4/personal_access_tokens", "", HttpStatusCode.Forbidden)]
    [InlineData("gitlab", "POST", "/user/runners", "", HttpStatusCode.Forbidden)]
    [InlineData("gitlab", "POST", "/groups/3/ssh_certificates", "", HttpStatusCode.Forbidden)] // a group SSH CA
    [InlineData("gitlab", "POST", "/deploy_keys", "", HttpStatusCode.Forbidden)] // instance-level deploy key
    // The legitimate path: reads of the same resources, and ordinary writes, still reach the upstream.
    [InlineData("github", "GET", "/app/installations/42", "", HttpStatusCode.OK)]
    [InlineData("github", "GET", "/user/keys", "", HttpStatusCode.OK)]
    [InlineData("github", "POST", "/repos/o/r/issues", "", HttpStatusCode.OK)]
    [InlineData("github", "GET", "/authorizations", "", HttpStatusCode.OK)]
    [InlineData("gitlab", "GET", "/personal_access_tokens/self", "", HttpStatusCode.OK)]
    [InlineData("gitlab", "GET", "/projects/9/access_tokens", "", HttpStatusCode.OK)]
    [InlineData("gitlab", "POST", "/projects/9/issues", "", HttpStatusCode.OK)]
    public async Task BuiltinRoutes_TokenMintingEndpoints_AreDeniedAndRecorded(string route, string method, string path, string extra, HttpStatusCode expected)
    {
        CredentialService builtin = BuiltinServices.Find(route)!; // a built-in name of the theory
        await using RunningProxy proxy = await StartAsync(null, builtin with { CredentialKey = "env://REAL_SECRET" });
        string phantom = proxy.ChildEnvironment[builtin.EnvVar];
        string auth = $"{builtin.InjectHeader}: {builtin.CredentialFormat.Replace("{}", phantom, StringComparison.Ordinal)}\r\n";

        string response = await ProxyHarness.RawAsync(proxy, $"{method} /{route}{path} HTTP/1.1\r\nHost: x\r\n{auth}{extra}Content-Length: 0\r\n\r\n");

        Assert.StartsWith($"HTTP/1.1 {(int)expected}", response, StringComparison.Ordinal);
        Assert.Equal(expected == HttpStatusCode.OK ? 1 : 0, _origin!.Requests.Count);
        await proxy.DisposeAsync();
        ProxyEvent e = Assert.Single(_sink.Events);
        if (expected == HttpStatusCode.Forbidden)
        {
            Assert.Equal((ProxyDecision.Denied, "token-minting-denied", route), (e.Decision, e.Reason, e.Host));
            Assert.Contains("network.allow_token_minting", response, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(ProxyDecision.Allowed, e.Decision);
        }
    }

    [Fact]
    public async Task BuiltinRoute_WithMintingAllowed_ForwardsTheRequest()
    {
        // What network.allow_token_minting: ["github"] hands the proxy: the route without its denied endpoints.
        CredentialService github = BuiltinServices.Find("github")! with { CredentialKey = "env://REAL_SECRET", DeniedEndpoints = [] };
        await using RunningProxy proxy = await StartAsync(null, github);

        string response = await ProxyHarness.RawAsync(proxy, $"POST /github/app/installations/42/access_tokens HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {proxy.ChildEnvironment["GITHUB_TOKEN"]}\r\nContent-Length: 0\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
        Assert.Equal("POST /app/installations/42/access_tokens HTTP/1.1", Assert.Single(_origin!.Requests).RequestLine);
    }

    [Theory]
    [InlineData("/user/keys#x")]
    [InlineData("/user/keys#")]
    public async Task BuiltinRoute_FragmentInThePath_IsRefusedBeforeTheRules(string path)
    {
        // Front ends that cut a fragment at '#' would route "/user/keys#x" to "/user/keys", past the minting denies
        // (review of session 10); '#' never belongs in a request target.
        CredentialService github = BuiltinServices.Find("github")! with { CredentialKey = "env://REAL_SECRET" };
        await using RunningProxy proxy = await StartAsync(null, github);

        string response = await ProxyHarness.RawAsync(proxy, $"POST /github{path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {proxy.ChildEnvironment["GITHUB_TOKEN"]}\r\nContent-Length: 0\r\n\r\n");

        Assert.Empty(_origin!.Requests);
        Assert.StartsWith("HTTP/1.1 400", response, StringComparison.Ordinal);
        Assert.Contains("path-not-canonical", response, StringComparison.Ordinal);
    }
}
