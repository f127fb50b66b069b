using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ProxyBench;

/// <summary>
/// Loopback origin. First 4 bytes pick the mode: "SINK" + 8-byte length (reads that many bytes, answers 8 bytes),
/// "HOLD" (keeps the connection until EOF), otherwise HTTP/1.1 keep-alive answering every request with a tiny 200.
/// </summary>
internal static class OriginServer
{
    private static readonly byte[] s_response = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"u8.ToArray();

    public static async Task<int> RunAsync(string portFile)
    {
        using Socket listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(4096);
        await File.WriteAllTextAsync(portFile, ((IPEndPoint)listener.LocalEndPoint!).Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _ = Task.Run(() => Console.In.ReadToEnd()).ContinueWith(_ => Environment.Exit(0), TaskScheduler.Default);
        while (true)
        {
            Socket client = await listener.AcceptAsync();
            client.NoDelay = true;
            _ = ServeAsync(client);
        }
    }

    private static async Task ServeAsync(Socket client)
    {
        using (client)
        {
            try
            {
                byte[] buffer = new byte[256 * 1024];
                int got = 0;
                while (got < 4)
                {
                    int n = await client.ReceiveAsync(buffer.AsMemory(got));
                    if (n == 0)
                    {
                        return;
                    }

                    got += n;
                }

                string mode = Encoding.ASCII.GetString(buffer, 0, 4);
                if (mode == "SINK")
                {
                    await SinkAsync(client, buffer, got);
                }
                else if (mode == "HOLD")
                {
                    while (await client.ReceiveAsync(buffer) > 0)
                    {
                    }
                }
                else
                {
                    await HttpAsync(client, buffer, got);
                }
            }
            catch (SocketException)
            {
            }
        }
    }

    private static async Task SinkAsync(Socket client, byte[] buffer, int got)
    {
        while (got < 12)
        {
            got += await client.ReceiveAsync(buffer.AsMemory(got));
        }

        long expected = BinaryPrimitives.ReadInt64LittleEndian(buffer.AsSpan(4));
        long received = got - 12;
        while (received < expected)
        {
            int n = await client.ReceiveAsync(buffer);
            if (n == 0)
            {
                return;
            }

            received += n;
        }

        byte[] reply = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(reply, received);
        await client.SendAsync(reply);
    }

    private static async Task HttpAsync(Socket client, byte[] buffer, int got)
    {
        while (true)
        {
            int end;
            while ((end = buffer.AsSpan(0, got).IndexOf("\r\n\r\n"u8)) < 0)
            {
                int n = await client.ReceiveAsync(buffer.AsMemory(got));
                if (n == 0)
                {
                    return;
                }

                got += n;
            }

            await client.SendAsync(s_response);
            int rest = got - (end + 4);
            Buffer.BlockCopy(buffer, end + 4, buffer, 0, rest);
            got = rest;
        }
    }
}
