using System.Net;
using Nono.Core.Proxy;
using Nono.Testing;

namespace Nono.Core.Tests.Proxy;

public sealed partial class EgressProxyTests
{
    [Fact]
    public async Task Connect_AllowedHost_TunnelsEndToEndTls()
    {
        using TestCertificates certs = new(ProxyHarness.TestHost);
        await using LoopbackServer origin = new(certificate: certs.Server);
        CapturingSink sink = new();
        RunningProxy proxy = await ProxyHarness.StartAsync(
            new ProxyOptions { AllowedHosts = [ProxyHarness.At(ProxyHarness.TestHost, origin.Port)], ResolverOverrides = [ProxyHarness.Loopback(ProxyHarness.TestHost)] }, sink);
        string body;
        using (HttpClient client = ProxyHarness.ProxiedClient(proxy, trust: certs.CaCollection))
        {
            body = await client.GetStringAsync($"https://{ProxyHarness.TestHost}:{origin.Port}/hello", TestContext.Current.CancellationToken);
        }

        await proxy.DisposeAsync(); // waits for the tunnel to close, which is when its event is recorded

        Assert.Equal("hello from upstream /hello", body);
        Assert.Contains(sink.Events, e => e is { Mode: ProxyMode.Connect, Decision: ProxyDecision.Allowed, Status: 200, Host: ProxyHarness.TestHost } && e.BytesUp > 0 && e.BytesDown > 0);
    }

    [Fact]
    public async Task Forward_AllowedHost_RewritesToOriginFormAndStripsProxyHeaders()
    {
        await using LoopbackServer origin = new();
        CapturingSink sink = new();
        await using RunningProxy proxy = await ProxyHarness.StartAsync(
            new ProxyOptions { AllowedHosts = [ProxyHarness.At(ProxyHarness.TestHost, origin.Port)], ResolverOverrides = [ProxyHarness.Loopback(ProxyHarness.TestHost)] }, sink);
        string request =
            $"GET http://{ProxyHarness.TestHost}:{origin.Port}/plain?q=1 HTTP/1.1\r\nHost: ignored.example\r\n"
            + ProxyHarness.BasicProxyAuth(proxy.SessionToken)
            + "Connection: keep-alive, X-Hop\r\nX-Hop: secret-hop\r\nKeep-Alive: timeout=5\r\nProxy-Connection: keep-alive\r\nTE: trailers\r\nX-End-To-End: kept\r\n\r\n";

        string response = await ProxyHarness.RawAsync(proxy, request);

        Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
        Assert.EndsWith("hello from upstream /plain?q=1", response, StringComparison.Ordinal);
        Assert.DoesNotContain("Keep-Alive:", response, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("X-Upstream: yes", response, StringComparison.Ordinal);
        RecordedRequest seen = Assert.Single(origin.Requests);
        Assert.Equal("GET /plain?q=1 HTTP/1.1", seen.RequestLine);
        Assert.Equal($"{ProxyHarness.TestHost}:{origin.Port}", seen.Header("Host"));
        Assert.Equal("kept", seen.Header("X-End-To-End"));
        foreach (string stripped in new[] { "Proxy-Authorization", "Proxy-Connection", "Keep-Alive", "X-Hop", "TE" })
        {
            Assert.False(seen.HasHeader(stripped), stripped + " reached the upstream");
        }

        Assert.DoesNotContain(proxy.SessionToken, seen.RawHead, StringComparison.Ordinal);
        Assert.Contains(sink.Events, e => e is { Mode: ProxyMode.Forward, Decision: ProxyDecision.Allowed, Status: 200 });
    }

    [Fact]
    public async Task Forward_HttpClientWithWebProxy_AnswersChallengeAndGetsThrough()
    {
        await using LoopbackServer origin = new();
        await using RunningProxy proxy = await ProxyHarness.StartAsync(
            new ProxyOptions { AllowedHosts = [ProxyHarness.At(ProxyHarness.TestHost, origin.Port)], ResolverOverrides = [ProxyHarness.Loopback(ProxyHarness.TestHost)] }, new CapturingSink());
        using HttpClient client = ProxyHarness.ProxiedClient(proxy);

        string body = await client.GetStringAsync($"http://{ProxyHarness.TestHost}:{origin.Port}/x", TestContext.Current.CancellationToken);

        Assert.Equal("hello from upstream /x", body);
    }

    [Theory]
    [InlineData("CONNECT other.test.example:443 HTTP/1.1\r\nHost: other.test.example:443\r\n", "host-not-allowed")]
    [InlineData("CONNECT evilapi.test.example:443 HTTP/1.1\r\n", "host-not-allowed")]
    [InlineData("GET http://other.test.example/ HTTP/1.1\r\nHost: other.test.example\r\n", "host-not-allowed")]
    [InlineData("CONNECT metadata.google.internal:80 HTTP/1.1\r\n", "metadata-host")]
    [InlineData("CONNECT 0x7f.1:443 HTTP/1.1\r\n", "bad-target")]
    [InlineData("CONNECT 2130706433:443 HTTP/1.1\r\n", "bad-target")]
    [InlineData("GET http://user@api.test.example/ HTTP/1.1\r\n", "bad-target")]
    [InlineData("GET http://api.test.example@evil.example/ HTTP/1.1\r\n", "bad-target")]
    [InlineData("CONNECT 127.0.0.1:22 HTTP/1.1\r\n", "host-not-allowed")]
    [InlineData("CONNECT api.test.example:22 HTTP/1.1\r\n", "port-not-allowed:22")]
    [InlineData("CONNECT api.test.example:80 HTTP/1.1\r\n", "port-not-allowed:80")]
    [InlineData("CONNECT x.sub.test.example:8443 HTTP/1.1\r\n", "port-not-allowed:8443")]
    [InlineData("GET http://api.test.example:8080/ HTTP/1.1\r\n", "port-not-allowed:8080")]
    [InlineData("GET http://api.test.example:443/ HTTP/1.1\r\n", "port-not-allowed:443")]
    public async Task Request_HostNotAllowed_IsRefusedWithReasonAndNeverConnects(string requestLineAndHeaders, string reason)
    {
        CapturingSink sink = new();
        await using RunningProxy proxy = await ProxyHarness.StartAsync(
            new ProxyOptions
            {
                AllowedHosts = [ProxyHarness.TestHost, "*.sub.test.example", "metadata.google.internal"],
                ResolverOverrides = [ProxyHarness.Loopback(ProxyHarness.TestHost), ProxyHarness.Loopback("metadata.google.internal")],
            },
            sink);
        string head = requestLineAndHeaders.Insert(requestLineAndHeaders.IndexOf("\r\n", StringComparison.Ordinal) + 2, ProxyHarness.BasicProxyAuth(proxy.SessionToken));

        string response = await ProxyHarness.RawAsync(proxy, head + "\r\n");

        Assert.Matches("^HTTP/1.1 (403|400) ", response);
        Assert.Contains("X-Nono-Reason: " + reason, response, StringComparison.Ordinal);
        Assert.Contains("nono: ", response, StringComparison.Ordinal);
        ProxyEvent denied = Assert.Single(sink.Events);
        Assert.Equal(ProxyDecision.Denied, denied.Decision);
        Assert.Equal(reason, denied.Reason);
    }

    [Fact]
    public async Task Connect_AllowedNameOverriddenToMetadataAddress_IsDeniedBeforeConnecting()
    {
        CapturingSink sink = new();
        await using RunningProxy proxy = await ProxyHarness.StartAsync(
            new ProxyOptions
            {
                AllowedHosts = ["rebind.test.example", "ll.test.example"],
                ResolverOverrides = [new("rebind.test.example", IPAddress.Parse("169.254.169.254")), new("ll.test.example", IPAddress.Parse("fe80::1"))],
            },
            sink);

        string metadata = await ProxyHarness.RawAsync(proxy, "CONNECT rebind.test.example:443 HTTP/1.1\r\n" + ProxyHarness.BasicProxyAuth(proxy.SessionToken) + "\r\n");
        string linkLocal = await ProxyHarness.RawAsync(proxy, "GET http://ll.test.example/ HTTP/1.1\r\n" + ProxyHarness.BasicProxyAuth(proxy.SessionToken) + "\r\n");

        Assert.StartsWith("HTTP/1.1 403", metadata, StringComparison.Ordinal);
        Assert.Contains("X-Nono-Reason: address-denied:metadata", metadata, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 403", linkLocal, StringComparison.Ordinal);
        Assert.Contains("X-Nono-Reason: address-denied:link-local", linkLocal, StringComparison.Ordinal);
        Assert.All(sink.Events, e => Assert.Equal(ProxyDecision.Denied, e.Decision));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong")]
    [InlineData("session-token-with-one-char-changed")]
    public async Task Request_MissingOrWrongSessionToken_Gets407(string? password)
    {
        await using LoopbackServer origin = new();
        CapturingSink sink = new();
        await using RunningProxy proxy = await ProxyHarness.StartAsync(
            new ProxyOptions { AllowedHosts = [ProxyHarness.At(ProxyHarness.TestHost, origin.Port)], ResolverOverrides = [ProxyHarness.Loopback(ProxyHarness.TestHost)] }, sink);
        string auth = password switch
        {
            null => string.Empty,
            "session-token-with-one-char-changed" => ProxyHarness.BasicProxyAuth((proxy.SessionToken[0] == 'a' ? "b" : "a") + proxy.SessionToken[1..]),
            _ => ProxyHarness.BasicProxyAuth(password),
        };

        string connect = await ProxyHarness.RawAsync(proxy, $"CONNECT {ProxyHarness.TestHost}:{origin.Port} HTTP/1.1\r\n{auth}\r\n");
        string forward = await ProxyHarness.RawAsync(proxy, $"GET http://{ProxyHarness.TestHost}:{origin.Port}/ HTTP/1.1\r\n{auth}\r\n");

        Assert.StartsWith("HTTP/1.1 407", connect, StringComparison.Ordinal);
        Assert.Contains("Proxy-Authenticate: Basic", connect, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 407", forward, StringComparison.Ordinal);
        Assert.Empty(origin.Requests);
        Assert.Equal(2, sink.Events.Count(e => e.Reason == "proxy-auth-required"));
    }

    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Curl_WithProxyUrlFromChildEnvironment_ReachesAllowedHostAndIsRefusedElsewhere(TestUser user)
    {
        Assert.SkipUnless(File.Exists("/usr/bin/curl"), "curl is not installed");
        Assert.SkipWhen(user == TestUser.Nobody && !ProcessRunner.IsRoot, "running as another user needs root");
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TestCertificates certs = new(ProxyHarness.TestHost);
        await using LoopbackServer origin = new(certificate: certs.Server);
        await using RunningProxy proxy = await ProxyHarness.StartAsync(
            new ProxyOptions { AllowedHosts = [ProxyHarness.At(ProxyHarness.TestHost, origin.Port)], ResolverOverrides = [ProxyHarness.Loopback(ProxyHarness.TestHost)] }, new CapturingSink());
        using TempDirectory dir = new();
        File.SetUnixFileMode(dir.Path, (UnixFileMode)0b111_101_101);
        string caFile = Path.Combine(dir.Path, "ca.pem");
        await File.WriteAllTextAsync(caFile, certs.Ca.ExportCertificatePem(), ct);
        Dictionary<string, string> env = new(proxy.ChildEnvironment) { ["PATH"] = "/usr/bin:/bin" };

        ProcessResult ok = await ProcessRunner.RunAsync("/usr/bin/curl", ["-sS", "--cacert", caFile, $"https://{ProxyHarness.TestHost}:{origin.Port}/via-curl"], user, env, cancellationToken: ct);
        ProcessResult denied = await ProcessRunner.RunAsync("/usr/bin/curl", ["-sS", "-o", "/dev/null", "-w", "%{http_connect}", "https://denied.test.example/"], user, env, cancellationToken: ct);
        env["HTTPS_PROXY"] = env["https_proxy"] = $"http://nono:{new string('0', 64)}@127.0.0.1:{proxy.Port}";
        ProcessResult wrongToken = await ProcessRunner.RunAsync("/usr/bin/curl", ["-sS", "-o", "/dev/null", "-w", "%{http_connect}", $"https://{ProxyHarness.TestHost}:{origin.Port}/"], user, env, cancellationToken: ct);

        Assert.Equal("hello from upstream /via-curl", ok.StandardOutput);
        Assert.Equal("403", denied.StandardOutput.Trim());
        Assert.Equal("407", wrongToken.StandardOutput.Trim());
    }
}
