using System.Net;
using System.Net.Sockets;

namespace Nono.Core.Proxy;

/// <summary>
/// Answers every DNS query that reaches <see cref="Sandbox.NamespaceSockets.DnsSocket"/> with REFUSED (FORMERR when the
/// question cannot be read) and records it as a denied <see cref="ProxyMode.Dns"/> event. Nothing is ever forwarded: names
/// resolve only through the proxy, and a tool that resolves them itself fails at once ("Temporary failure in name
/// resolution", "Could not resolve host") instead of hanging. Each (name, type) is recorded once per session, because
/// resolvers retry a refused query on every configured server. Recording is bounded: after
/// <see cref="DistinctQueriesRecordedOnce"/> distinct pairs (or malformed queries), further queries are still refused but
/// only counted, and one <c>dns-queries-not-recorded:N</c> event reports the count when the refuser stops, so a flood of
/// random names cannot grow the audit log or the supervisor's memory without bound. TCP connections beyond the bound are
/// closed unread and counted apart (<c>dns-tcp-connections-refused:N</c>): what they would have asked is unknown. Queries over TCP
/// (<see cref="Sandbox.NamespaceSockets.DnsTcpListener"/>) are answered and recorded the same way, within the same bound.
/// </summary>
public sealed partial class DnsRefuser : IAsyncDisposable
{
    /// <summary>How many distinct (name, type) pairs (and malformed queries) are recorded, each once.</summary>
    public const int DistinctQueriesRecordedOnce = 4096;

    private const int MaxDatagram = 65_535;

    private readonly Socket? _socket;
    private readonly IProxyEventSink _sink;
    private readonly TimeProvider _time;
    private readonly HashSet<(string Name, ushort Type)> _recorded = [];
    private readonly Lock _recordLock = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _malformed;
    private long _notRecorded;
    private long _tcpConnectionsRefused; // beyond the TCP bound, closed unread: their queries (if any) were never seen

    private DnsRefuser(Socket? socket, Socket? tcpListener, IProxyEventSink sink, TimeProvider time)
    {
        _socket = socket;
        _tcpListener = tcpListener;
        _sink = sink;
        _time = time;
        _loop = socket is null ? Task.CompletedTask : Task.Run(ServeAsync);
        _tcpLoop = tcpListener is null ? Task.CompletedTask : Task.Run(AcceptAsync);
    }

    /// <summary>Starts answering on <paramref name="socket"/> (a bound UDP socket; the refuser takes ownership).</summary>
    public static DnsRefuser Start(Socket socket, IProxyEventSink sink, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(socket);
        return Start(socket, null, sink, timeProvider);
    }

    /// <summary>
    /// Starts answering on <paramref name="socket"/> (a bound UDP socket) and on the connections of
    /// <paramref name="tcpListener"/> (a listening TCP socket), either of which may be missing; the refuser takes
    /// ownership of both.
    /// </summary>
    public static DnsRefuser Start(Socket? socket, Socket? tcpListener, IProxyEventSink sink, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (socket is not null && socket.SocketType != SocketType.Dgram || tcpListener is not null && tcpListener.SocketType != SocketType.Stream)
        {
            socket?.Dispose();
            tcpListener?.Dispose();
            throw new ArgumentException("the DNS sockets must be a UDP socket and a TCP listener");
        }

        if (socket is not null && socket.AddressFamily == AddressFamily.InterNetworkV6)
        {
            try
            {
                // IPV6_FREEBIND: an answer may leave from an address that is local only through the trap's route, not
                // configured on lo (IPV6_PKTINFO is refused with EINVAL otherwise). Without it answers come from ::1.
                socket.SetRawSocketOption(41 /* IPPROTO_IPV6 */, 78 /* IPV6_FREEBIND */, [1, 0, 0, 0]);
            }
            catch (SocketException)
            {
                // An older kernel: IPv6 answers to other addresses are then dropped, the queries still recorded.
            }
        }

        return new DnsRefuser(socket, tcpListener, sink, timeProvider);
    }

    /// <summary>Stops answering and closes the socket.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket?.Dispose();
        _tcpListener?.Dispose();
        await _loop;
        await StopTcpAsync();
        _stop.Dispose();
        if (_notRecorded > 0)
        {
            _sink.Record(Event(null, $"dns-queries-not-recorded:{_notRecorded.ToString(System.Globalization.CultureInfo.InvariantCulture)}"));
        }

        long refused = Interlocked.Read(ref _tcpConnectionsRefused);
        if (refused > 0)
        {
            _sink.Record(Event(null, $"dns-tcp-connections-refused:{refused.ToString(System.Globalization.CultureInfo.InvariantCulture)}"));
        }
    }

    private async Task ServeAsync()
    {
        Socket socket = _socket!; // this loop runs only with a UDP socket
        byte[] buffer = new byte[MaxDatagram];
        EndPoint any = socket.AddressFamily == AddressFamily.InterNetworkV6 ? new IPEndPoint(IPAddress.IPv6Any, 0) : new IPEndPoint(IPAddress.Any, 0);
        for (long served = 1; !_stop.IsCancellationRequested; served++)
        {
            if (served % 64 == 0)
            {
                // Receives that complete at once (a flood) would otherwise keep this loop on the socket thread that
                // ran its last continuation, which with inline continuations also serves the proxy's sockets.
                await Task.Yield();
            }

            SocketReceiveMessageFromResult received;
            try
            {
                // With the destination address, so an IPv6 answer can leave from it (ReplySourceInterop).
                received = await socket.ReceiveMessageFromAsync(buffer, SocketFlags.None, any, _stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // An earlier answer's client had gone, an oversized datagram, or another per-datagram error: nothing to
                // answer, and the next query must still be refused and recorded.
                continue;
            }

            int length = Answer(buffer.AsSpan(0, received.ReceivedBytes));
            if (length == 0)
            {
                continue;
            }

            try
            {
                if (OperatingSystem.IsLinux() && received.RemoteEndPoint is IPEndPoint { Address: { AddressFamily: AddressFamily.InterNetworkV6, IsIPv4MappedToIPv6: false } } client
                    && received.PacketInformation.Address is { AddressFamily: AddressFamily.InterNetworkV6 } queried && !queried.Equals(IPAddress.IPv6Any))
                {
                    _ = ReplySourceInterop.SendFrom(socket, buffer.AsSpan(0, length), client, queried); // EAGAIN: the resolver asks again
                    continue;
                }

                await socket.SendToAsync(buffer.AsMemory(0, length), SocketFlags.None, received.RemoteEndPoint, _stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // The querying socket is gone; the query is recorded already.
            }
        }
    }

    /// <summary>Records the query and rewrites it into its refusal; 0 for anything that is not a query (never answered).</summary>
    private int Answer(Span<byte> packet)
    {
        if (!DnsQuestion.IsQuery(packet))
        {
            return 0;
        }

        bool parsed = DnsQuestion.TryParse(packet, out string name, out ushort type, out int end);
        Record(parsed, name, type);
        return DnsQuestion.WriteRefusal(packet, parsed ? end : 0);
    }

    /// <summary>
    /// Records a query once per (name, type), or a malformed one, within <see cref="DistinctQueriesRecordedOnce"/>;
    /// beyond it only counts. The UDP and TCP loops share it.
    /// </summary>
    private void Record(bool parsed, string name, ushort type)
    {
        lock (_recordLock)
        {
            if (parsed && _recorded.Contains((name, type)))
            {
                return; // a retry: recorded already
            }

            if (_recorded.Count + _malformed >= DistinctQueriesRecordedOnce)
            {
                _notRecorded++;
            }
            else if (parsed)
            {
                _recorded.Add((name, type));
                _sink.Record(Event(name, "dns-query-refused:" + DnsQuestion.TypeName(type)));
            }
            else
            {
                _malformed++;
                _sink.Record(Event(null, "dns-query-malformed"));
            }
        }
    }

    private ProxyEvent Event(string? name, string reason) => Event(_time, name, reason);

    private static ProxyEvent Event(TimeProvider time, string? name, string reason) => new()
    {
        Timestamp = time.GetUtcNow(),
        Mode = ProxyMode.Dns,
        Host = name,
        Port = 53,
        Method = "DNS",
        Decision = ProxyDecision.Denied,
        Reason = reason,
    };
}
