using System.Net;
using Nono.Core.Proxy;

namespace Nono.Core.Tests.Proxy;

/// <summary>
/// Reuse under load: many proxies and origins at once, each asked twice in a row. This is the test that caught the
/// plain-HTTP pool dropping good connections (a pending zero-byte socket read completes on a stale readiness event; see
/// <see cref="UpstreamConnection"/>): about one reuse in five failed with eight clients in parallel.
/// </summary>
public sealed partial class UpstreamReuseTests
{
    private const int ParallelClients = 8;
    private const int RoundsPerClient = 10;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ManyClientsInParallel_EverySecondRequestReusesTheFirstsConnection(bool credentialRouteOverTls)
    {
        Func<int, Task<int[]>> round = credentialRouteOverTls ? ReverseRoundAsync : ForwardRoundAsync;
        int[][][] perClient = await Task.WhenAll(Enumerable.Range(0, ParallelClients).Select(client => Task.Run(async () =>
        {
            List<int[]> rounds = [];
            for (int i = 0; i < RoundsPerClient; i++)
            {
                rounds.Add(await round(client * RoundsPerClient + i));
            }

            return rounds.ToArray();
        })));

        int[][] all = [.. perClient.SelectMany(r => r)];
        int notReused = all.Count(connections => connections.Length != 2 || connections[0] != connections[1]);
        Assert.True(notReused == 0, $"{notReused} of {all.Length} second requests did not reuse the first one's upstream connection");
    }

    /// <summary>Two plain-HTTP forwards to a fresh origin; the origin's connection number of each (requests of this round only).</summary>
    private async Task<int[]> ForwardRoundAsync(int round)
    {
        await using LoopbackServer origin = new();
        await using RunningProxy proxy = await StartForwardAsync(origin);
        using HttpClient client = ProxyHarness.ProxiedClient(proxy);
        string url = $"http://{ProxyHarness.TestHost}:{origin.Port}/round{round}";
        Assert.Equal($"hello from upstream /round{round}/a", await client.GetStringAsync(url + "/a", TestContext.Current.CancellationToken));
        Assert.Equal($"hello from upstream /round{round}/b", await client.GetStringAsync(url + "/b", TestContext.Current.CancellationToken));
        return ConnectionsOf(origin, $"/round{round}/");
    }

    /// <summary>Two requests on a credential route to a fresh TLS origin; the origin's connection number of each.</summary>
    private async Task<int[]> ReverseRoundAsync(int round)
    {
        await using LoopbackServer origin = new(certificate: _certs.Server);
        await using RunningProxy proxy = await StartAsync(origin, Route("openai"));
        Assert.Equal((HttpStatusCode.OK, $"hello from upstream /v1/round{round}/a"), await SendAsync(proxy, "openai", HttpMethod.Get, $"/round{round}/a"));
        Assert.Equal((HttpStatusCode.OK, $"hello from upstream /v1/round{round}/b"), await SendAsync(proxy, "openai", HttpMethod.Get, $"/round{round}/b"));
        return ConnectionsOf(origin, $"/v1/round{round}/");
    }

    /// <summary>
    /// Only this round's requests count: a stray connection from another test (one that connects to a port it believes
    /// closed, which this origin may have taken since) must not decide this test.
    /// </summary>
    private static int[] ConnectionsOf(LoopbackServer origin, string prefix) =>
        [.. origin.Requests.Where(r => r.Target.StartsWith(prefix, StringComparison.Ordinal)).Select(r => r.Connection)];
}
