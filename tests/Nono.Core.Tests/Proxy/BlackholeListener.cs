using System.Net;
using System.Net.Sockets;

namespace Nono.Core.Tests.Proxy;

/// <summary>
/// A loopback listener whose accept queue is full, so the kernel drops further SYNs and a connect to it never
/// completes (the client retransmits its SYN). Nothing leaves the machine. <see cref="AcceptAllAsync"/> frees the queue.
/// </summary>
internal sealed class BlackholeListener : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly List<Socket> _fillers = [];
    private readonly List<Socket> _accepted = [];

    private BlackholeListener()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(0); // accept queue of one connection
    }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port; // bound in the constructor

    /// <summary>Creates the listener and fills its queue until a probe connect stays pending.</summary>
    public static async Task<BlackholeListener> CreateAsync(CancellationToken ct)
    {
        BlackholeListener hole = new();
        for (int i = 0; i < 16; i++)
        {
            Socket probe = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            Task connect = probe.ConnectAsync(new IPEndPoint(IPAddress.Loopback, hole.Port), ct).AsTask();
            if (await Task.WhenAny(connect, Task.Delay(TimeSpan.FromSeconds(1), ct)) == connect && connect.IsCompletedSuccessfully)
            {
                hole._fillers.Add(probe); // queued: the queue had room
                continue;
            }

            probe.Dispose(); // its SYN was dropped: the queue is full
            return hole;
        }

        hole.Dispose();
        throw new InvalidOperationException("the accept queue never filled");
    }

    /// <summary>Accepts every queued connection, so new handshakes complete again.</summary>
    public async Task AcceptAllAsync(CancellationToken ct)
    {
        for (int i = 0; i < _fillers.Count; i++)
        {
            _accepted.Add(await _listener.AcceptAsync(ct));
        }

        _listener.Listen(16);
    }

    public Task<Socket> AcceptAsync(CancellationToken ct) => _listener.AcceptAsync(ct).AsTask();

    public void Dispose()
    {
        foreach (Socket s in _fillers.Concat(_accepted))
        {
            s.Dispose();
        }

        _listener.Dispose();
    }
}
