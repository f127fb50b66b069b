using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Nono.Core.Proxy;

namespace ProxyBench;

/// <summary>
/// Small-request latency through a credential route (<c>http://127.0.0.1:PORT/bench/...</c> to a local HTTPS origin) at
/// c=1: one keep-alive client connection, requests one at a time. Proxy, origin and client share this process; prints
/// "p50_us p99_us cpu_us_per_request origin_connections" (CPU of the whole process: client + proxy + TLS origin).
/// </summary>
internal static class ReverseLatency
{
    private const string Host = "bench.test.example";

    public static async Task<int> RunAsync(int requests)
    {
        using TlsOrigin origin = new(Host);
        await using RunningProxy proxy = await EgressProxy.StartAsync(
            new ProxyOptions
            {
                Services =
                [
                    new CredentialService
                    {
                        Name = "bench",
                        Upstream = new Uri($"https://{Host}:{origin.Port}/v1"),
                        CredentialKey = "env://BENCH_SECRET",
                        InjectMode = InjectMode.Header,
                        InjectHeader = "Authorization",
                        CredentialFormat = "Bearer {}",
                        EnvVar = "BENCH_API_KEY",
                    },
                ],
                SupervisorEnvironment = new Dictionary<string, string> { ["BENCH_SECRET"] = "sk-bench-" + Guid.NewGuid().ToString("N") },
                ResolverOverrides = [new ResolverOverride(Host, IPAddress.Loopback)],
                UpstreamTrustRoots = [origin.Ca],
            },
            listener: null,
            new CountingSink(),
            CancellationToken.None);
        byte[] request = Encoding.ASCII.GetBytes(
            $"GET /bench/messages HTTP/1.1\r\nHost: 127.0.0.1:{proxy.Port}\r\nAuthorization: Bearer {proxy.ChildEnvironment["BENCH_API_KEY"]}\r\n\r\n");
        using Socket socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, proxy.Port));
        byte[] buffer = new byte[4096];
        for (int i = 0; i < 200; i++)
        {
            await RoundTripAsync(socket, request, buffer); // warm-up (JIT, TLS session set-up)
        }

        double[] samples = new double[requests];
        TimeSpan cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        for (int i = 0; i < requests; i++)
        {
            long start = Stopwatch.GetTimestamp();
            await RoundTripAsync(socket, request, buffer);
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        double cpuPerRequest = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMicroseconds / requests;
        Array.Sort(samples);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{samples[requests / 2]:F1} {samples[Math.Min(requests - 1, (int)(0.99 * requests))]:F1} {cpuPerRequest:F0} {origin.Accepts}"));
        return 0;
    }

    /// <summary>Sends one request and reads one Content-Length framed response (the proxy's head, then "ok").</summary>
    private static async Task RoundTripAsync(Socket socket, byte[] request, byte[] buffer)
    {
        await socket.SendAsync(request);
        int got = 0;
        while (true)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(got));
            if (n == 0)
            {
                throw new IOException("the proxy closed the connection");
            }

            got += n;
            int end = buffer.AsSpan(0, got).IndexOf("\r\n\r\n"u8);
            if (end >= 0 && got >= end + 4 + 2)
            {
                if (!buffer.AsSpan(0, got).StartsWith("HTTP/1.1 200"u8))
                {
                    throw new IOException("unexpected response: " + Encoding.ASCII.GetString(buffer, 0, got));
                }

                return;
            }
        }
    }
}
