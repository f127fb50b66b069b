using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace ProxyBench;

/// <summary>
/// Small-request latency: each of C workers opens one stream (a CONNECT tunnel or direct) and sends keep-alive
/// HTTP/1.1 requests one at a time; prints p50 and p99 round-trip in microseconds.
/// </summary>
internal static class Latency
{
    private static readonly byte[] s_request = "GET / HTTP/1.1\r\nHost: bench\r\n\r\n"u8.ToArray();
    private const int ResponseLength = 40; // "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"

    public static async Task<int> RunAsync(Dialer dialer, int concurrency, int requests)
    {
        int perWorker = Math.Max(1, requests / concurrency);
        Socket[] sockets = new Socket[concurrency];
        for (int i = 0; i < concurrency; i++)
        {
            sockets[i] = await dialer.ConnectAsync();
        }

        double[][] samples = await Task.WhenAll(sockets.Select(s => Task.Run(() => WorkerAsync(s, perWorker))));
        double[] all = [.. samples.SelectMany(x => x)];
        Array.Sort(all);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Percentile(all, 0.50):F1} {Percentile(all, 0.99):F1}"));
        foreach (Socket s in sockets)
        {
            s.Dispose();
        }

        return 0;
    }

    private static async Task<double[]> WorkerAsync(Socket socket, int count)
    {
        byte[] response = new byte[ResponseLength];
        for (int i = 0; i < 200; i++)
        {
            await RoundTripAsync(socket, response); // warm-up
        }

        double[] samples = new double[count];
        for (int i = 0; i < count; i++)
        {
            long start = Stopwatch.GetTimestamp();
            await RoundTripAsync(socket, response);
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        return samples;
    }

    private static async Task RoundTripAsync(Socket socket, byte[] response)
    {
        await socket.SendAsync(s_request);
        int got = 0;
        while (got < response.Length)
        {
            int n = await socket.ReceiveAsync(response.AsMemory(got));
            if (n == 0)
            {
                throw new IOException("closed");
            }

            got += n;
        }
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
}
