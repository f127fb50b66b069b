using System.Globalization;
using System.Text;
using Nono.Core.Proxy;

namespace Nono.Core.Tests.Proxy;

public sealed partial class CredentialRouteTests
{
    private const string DeployKey = "mutation { createDeployKey(input: {}) { clientMutationId } }";

    // Each row: the upstream base path of the github route (api.github.com: none; GHES: /api), the JSON body, and the
    // denial reason, or null when the request must reach the upstream unchanged.
    [Theory]
    [InlineData("", "{\"query\":\"mutation { createDeployKey(input: {}) { clientMutationId } }\"}", "graphql-mutation:createDeployKey")]
    [InlineData("/api", "{\"query\":\"mutation { createDeployKey(input: {}) { clientMutationId } }\"}", "graphql-mutation:createDeployKey")] // GHES
    [InlineData("", "{\"query\":\"mutation { harmless: setEnterpriseIdentityProvider(input: {}) { clientMutationId } }\"}", "graphql-mutation:setEnterpriseIdentityProvider")] // alias
    [InlineData("", "{\"query\":\"mutation { ...F } fragment F on Mutation { regenerateEnterpriseIdentityProviderRecoveryCodes(input: {}) { clientMutationId } }\"}", "graphql-mutation:regenerateEnterpriseIdentityProviderRecoveryCodes")]
    [InlineData("", "{\"query\":\"query A { viewer { login } } mutation B { createDeployKey(input: {}) { clientMutationId } }\",\"operationName\":\"A\"}", "graphql-mutation:createDeployKey")] // operation selection
    [InlineData("", "{\"query\":\"\\u006dutation { \\u0063reateDeployKey(input: {}) { id } }\"}", "graphql-mutation:createDeployKey")] // unicode escapes
    [InlineData("", "{\"query\":\"mutation { # a comment\\u2028 createDeployKey(input: {}) { id } }\"}", "graphql-unparseable")] // comment hiding
    [InlineData("", "{\"query\":\"{ viewer { login } }\",\"query\":\"mutation { createDeployKey(input: {}) { id } }\"}", "graphql-unparseable")] // duplicate key
    [InlineData("", "query=mutation+%7B+createDeployKey+%7D", "graphql-unparseable")] // not JSON
    [InlineData("", "{\"query\":\"{ viewer { login } }\"}", null)]
    [InlineData("/api", "{\"query\":\"{ viewer { login } }\"}", null)]
    [InlineData("", "{\"query\":\"mutation($b: String!) { addComment(input: {subjectId: \\\"I_1\\\", body: $b}) { clientMutationId } }\",\"variables\":{\"b\":\"mutation { createDeployKey }\"}}", null)]
    [InlineData("", "{\"query\":\"mutation { addComment(input: {body: \\\"# createDeployKey\\\\n\\\"}) { clientMutationId } }\"}", null)] // a string holds the words
    public async Task GitHubGraphQl_MintingMutationsAreRefused_OthersReachTheUpstreamUnchanged(string basePath, string body, string? reason)
    {
        CredentialService github = BuiltinServices.Find("github")! with { CredentialKey = "env://REAL_SECRET", Upstream = new Uri("https://placeholder" + basePath) };
        await using RunningProxy proxy = await StartAsync(null, github);
        string phantom = proxy.ChildEnvironment["GITHUB_TOKEN"];
        byte[] payload = Encoding.UTF8.GetBytes(body);

        string response = await ProxyHarness.RawAsync(
            proxy,
            $"POST /github/graphql HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {phantom}\r\nContent-Type: application/json\r\nContent-Length: {payload.Length}\r\n\r\n{Encoding.Latin1.GetString(payload)}");

        await proxy.DisposeAsync();
        ProxyEvent e = Assert.Single(_sink.Events);
        if (reason is not null)
        {
            Assert.Empty(_origin!.Requests);
            Assert.Equal((ProxyDecision.Denied, reason, "github"), (e.Decision, e.Reason, e.Host));
            Assert.Contains($"X-Nono-Reason: {reason}", response, StringComparison.Ordinal);
        }
        else
        {
            Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
            RecordedRequest seen = Assert.Single(_origin!.Requests);
            Assert.Equal($"POST {basePath}/graphql HTTP/1.1", seen.RequestLine);
            Assert.Equal(payload, seen.Body);
            Assert.Equal($"Bearer {_secret}", seen.Header("Authorization"));
            Assert.Equal(ProxyDecision.Allowed, e.Decision);
        }
    }

    [Fact]
    public async Task GitHubGraphQl_ChunkedBody_IsCheckedAndForwardedWhole()
    {
        await using RunningProxy proxy = await StartAsync(null, BuiltinServices.Find("github")! with { CredentialKey = "env://REAL_SECRET" });
        string auth = GitHubAuth(proxy);
        string query = "{\"query\":\"{ viewer { login } }\"}";
        string minting = "{\"query\":\"" + DeployKey + "\"}";

        string allowed = await ProxyHarness.RawAsync(proxy, $"POST /github/graphql HTTP/1.1\r\nHost: x\r\n{auth}Transfer-Encoding: chunked\r\n\r\n{Chunks(query)}");
        string refused = await ProxyHarness.RawAsync(proxy, $"POST /github/graphql HTTP/1.1\r\nHost: x\r\n{auth}Transfer-Encoding: chunked\r\n\r\n{Chunks(minting)}");

        Assert.StartsWith("HTTP/1.1 200", allowed, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 403", refused, StringComparison.Ordinal);
        RecordedRequest seen = Assert.Single(_origin!.Requests);
        Assert.Equal(query, Encoding.UTF8.GetString(seen.Body));
        Assert.Equal(query.Length.ToString(CultureInfo.InvariantCulture), seen.Header("Content-Length"));
        Assert.False(seen.HasHeader("Transfer-Encoding"));
    }

    [Fact]
    public async Task GitHubGraphQl_OverTheBound_IsRefusedUnread_AndOtherPathsStillStream()
    {
        await using RunningProxy proxy = await StartAsync(null, BuiltinServices.Find("github")! with { CredentialKey = "env://REAL_SECRET" });
        string auth = GitHubAuth(proxy);
        string big = "{\"query\":\"{ viewer { login } }\",\"variables\":{\"pad\":\"" + new string('a', GraphQlDenials.MaxBody) + "\"}}";

        string byLength = await ProxyHarness.RawAsync(proxy, $"POST /github/graphql HTTP/1.1\r\nHost: x\r\n{auth}Content-Length: {big.Length}\r\n\r\n{big}");
        string byChunks = await ProxyHarness.RawAsync(proxy, $"POST /github/graphql HTTP/1.1\r\nHost: x\r\n{auth}Transfer-Encoding: chunked\r\n\r\n{Chunks(big)}");
        string rest = await ProxyHarness.RawAsync(proxy, $"POST /github/repos/o/r/issues HTTP/1.1\r\nHost: x\r\n{auth}Content-Length: {big.Length}\r\n\r\n{big}");

        Assert.Contains("X-Nono-Reason: graphql-body-too-large", byLength, StringComparison.Ordinal);
        Assert.Contains("X-Nono-Reason: graphql-body-too-large", byChunks, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 200", rest, StringComparison.Ordinal);
        Assert.Equal("POST /repos/o/r/issues HTTP/1.1", Assert.Single(_origin!.Requests).RequestLine);
    }

    [Fact]
    public async Task GitHubGraphQl_QueryStringDocumentAndEncodedBody_AreChecked()
    {
        await using RunningProxy proxy = await StartAsync(null, BuiltinServices.Find("github")! with { CredentialKey = "env://REAL_SECRET" });
        string auth = GitHubAuth(proxy);
        string query = "{\"query\":\"{ viewer { login } }\"}";

        string inUrl = await ProxyHarness.RawAsync(proxy, $"GET /github/GraphQL/?query={Uri.EscapeDataString(DeployKey)} HTTP/1.1\r\nHost: x\r\n{auth}\r\n");
        string encoded = await ProxyHarness.RawAsync(proxy, $"POST /github/graphql HTTP/1.1\r\nHost: x\r\n{auth}Content-Encoding: gzip\r\nContent-Length: {query.Length}\r\n\r\n{query}");
        string get = await ProxyHarness.RawAsync(proxy, $"GET /github/graphql?query={Uri.EscapeDataString("{ viewer { login } }")} HTTP/1.1\r\nHost: x\r\n{auth}\r\n");

        Assert.Contains("X-Nono-Reason: graphql-mutation:createDeployKey", inUrl, StringComparison.Ordinal);
        Assert.Contains("X-Nono-Reason: graphql-body-encoded", encoded, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 200", get, StringComparison.Ordinal);
        Assert.Single(_origin!.Requests);
    }

    [Fact]
    public async Task GitHubGraphQl_ExpectContinue_IsAnsweredByTheProxy_AndNotForwarded()
    {
        await using RunningProxy proxy = await StartAsync(null, BuiltinServices.Find("github")! with { CredentialKey = "env://REAL_SECRET" });
        string query = "{\"query\":\"{ viewer { login } }\"}";

        string response = await ProxyHarness.RawAsync(proxy, $"POST /github/graphql HTTP/1.1\r\nHost: x\r\n{GitHubAuth(proxy)}Expect: 100-continue\r\nContent-Length: {query.Length}\r\n\r\n{query}");

        Assert.StartsWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200", response, StringComparison.Ordinal);
        RecordedRequest seen = Assert.Single(_origin!.Requests);
        Assert.False(seen.HasHeader("Expect"));
        Assert.Equal(query, Encoding.UTF8.GetString(seen.Body));
    }

    [Fact]
    public async Task GitHubGraphQl_WithMintingAllowed_ForwardsTheMutation()
    {
        // What network.allow_token_minting: ["github"] hands the proxy.
        CredentialService github = BuiltinServices.Find("github")! with { CredentialKey = "env://REAL_SECRET", DeniedEndpoints = [], DeniedGraphQlMutations = [] };
        await using RunningProxy proxy = await StartAsync(null, github);
        string body = "{\"query\":\"" + DeployKey + "\"}";

        string response = await ProxyHarness.RawAsync(proxy, $"POST /github/graphql HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {proxy.ChildEnvironment["GITHUB_TOKEN"]}\r\nContent-Length: {body.Length}\r\n\r\n{body}");

        Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
        Assert.Equal(body, Encoding.UTF8.GetString(Assert.Single(_origin!.Requests).Body));
    }

    private static string GitHubAuth(RunningProxy proxy) => $"Authorization: Bearer {proxy.ChildEnvironment["GITHUB_TOKEN"]}\r\n";

    private static string Chunks(string text)
    {
        StringBuilder chunked = new();
        for (int i = 0; i < text.Length; i += 7000)
        {
            string part = text.Substring(i, Math.Min(7000, text.Length - i));
            chunked.Append(CultureInfo.InvariantCulture, $"{part.Length:x}\r\n{part}\r\n");
        }

        return chunked.Append("0\r\n\r\n").ToString();
    }
}
