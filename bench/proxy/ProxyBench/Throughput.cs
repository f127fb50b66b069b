using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;

namespace ProxyBench;

/// <summary>Uploads N bytes through one stream and reports MiB/s from the first byte to the origin's acknowledgement.</summary>
internal static class Throughput
{
    public static async Task<int> RunAsync(Dialer dialer, long bytes)
    {
        using Socket socket = await dialer.ConnectAsync();
        byte[] chunk = new byte[256 * 1024];
        Random.Shared.NextBytes(chunk);
        byte[] header = new byte[12];
        "SINK"u8.CopyTo(header);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(4), bytes);
        Stopwatch sw = Stopwatch.StartNew();
        await socket.SendAsync(header);
        long left = bytes;
        while (left > 0)
        {
            int n = (int)Math.Min(chunk.Length, left);
            await socket.SendAsync(chunk.AsMemory(0, n));
            left -= n;
        }

        byte[] reply = new byte[8];
        int got = 0;
        while (got < 8)
        {
            int n = await socket.ReceiveAsync(reply.AsMemory(got));
            if (n == 0)
            {
                throw new IOException("origin closed early");
            }

            got += n;
        }

        sw.Stop();
        long acked = BinaryPrimitives.ReadInt64LittleEndian(reply);
        if (acked != bytes)
        {
            throw new IOException($"origin acknowledged {acked} of {bytes} bytes");
        }

        Console.WriteLine($"{bytes / 1048576.0 / sw.Elapsed.TotalSeconds:F0}");
        return 0;
    }
}
