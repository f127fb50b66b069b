using System.Globalization;
using System.Net.Sockets;

namespace ProxyBench;

/// <summary>Opens N idle CONNECT tunnels and prints the proxy process's resident memory before and after (KiB).</summary>
internal static class Tunnels
{
    public static async Task<int> RunAsync(Dialer dialer, int count, int proxyPid)
    {
        long before = RssKiB(proxyPid);
        List<Socket> open = new(count);
        for (int i = 0; i < count; i++)
        {
            Socket s = await dialer.ConnectAsync();
            await s.SendAsync("HOLD"u8.ToArray());
            open.Add(s);
        }

        await Task.Delay(1000); // let the proxy settle before sampling
        long after = RssKiB(proxyPid);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{before} {after}"));
        open.ForEach(s => s.Dispose());
        return 0;
    }

    private static long RssKiB(int pid)
    {
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }
}
