using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Nono.Core.Proxy;
using Nono.Testing;

namespace Nono.Core.Tests.Proxy;

/// <summary>Persistent client connections on the credential routes: the phantom token is checked on every request.</summary>
public sealed partial class CredentialRouteTests
{
    [Fact]
    public async Task ReverseRoute_CurlSeveralUrls_ReusesOneConnectionAndSwapsEachTime()
    {
        await using RunningProxy proxy = await StartAsync(null, Service("openai"));
        string phantom = proxy.ChildEnvironment["OPENAI_API_KEY"];
        string baseUrl = proxy.ChildEnvironment["OPENAI_BASE_URL"];

        ProcessResult curl = await ProcessRunner.RunAsync(
            "curl",
            ["-sS", "--noproxy", "*", "-H", "Authorization: Bearer " + phantom, "-w", "\n%{http_code} connects=%{num_connects}\n",
             baseUrl + "/models", baseUrl + "/chat/completions", baseUrl + "/embeddings"],
            cancellationToken: TestContext.Current.CancellationToken);

        string[] lines = curl.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
            ["hello from upstream /v1/models", "200 connects=1", "hello from upstream /v1/chat/completions", "200 connects=0", "hello from upstream /v1/embeddings", "200 connects=0"],
            lines);
        Assert.All(_origin!.Requests, r => Assert.Equal("Bearer " + _secret, r.Header("Authorization")));
        Assert.Equal(3, _origin.Requests.Count);
    }

    [Fact]
    public async Task ReverseRoute_PythonHttpClient_WrongPhantomOnTheSameConnectionIsRefused()
    {
        await using RunningProxy proxy = await StartAsync(null, Service("openai"));
        string phantom = proxy.ChildEnvironment["OPENAI_API_KEY"];
        string foreign = RandomNumberGenerator.GetHexString(64, lowercase: true);
        string plan = new JsonArray(
            EgressProxyTests.Step("POST", "/openai/chat/completions", body: "{\"n\":1}", header: "Authorization: Bearer " + phantom),
            EgressProxyTests.Step("POST", "/openai/chat/completions", chunked: true, header: "Authorization: Bearer " + phantom),
            EgressProxyTests.Step("GET", "/openai/models", header: "Authorization: Bearer " + foreign),
            EgressProxyTests.Step("GET", "/openai/models", header: "Authorization: Bearer " + phantom)).ToJsonString();

        ProcessResult python = await ProcessRunner.RunAsync(
            "python3", ["-c", EgressProxyTests.PythonSequence, proxy.Port.ToString(CultureInfo.InvariantCulture), string.Empty, plan],
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(0, python.ExitCode);
        JsonArray results = (JsonArray)JsonNode.Parse(python.StandardOutput)!; // python printed one JSON array (exit 0)
        Assert.Equal([200, 200, 401, 200], results.Select(r => (int)r!["status"]!));
        Assert.Equal([true, true, true, false], results.Select(r => (bool)r!["reused"]!)); // after the 401 the proxy closed
        Assert.Equal("close", (string?)results[2]!["connection"]);
        Assert.Equal(3, _origin!.Requests.Count);
        Assert.All(_origin.Requests, r => Assert.Equal("Bearer " + _secret, r.Header("Authorization")));
        Assert.DoesNotContain(_origin.RawReceived, raw => System.Text.Encoding.Latin1.GetString(raw).Contains(foreign, StringComparison.Ordinal));
    }
}
