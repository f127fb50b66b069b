using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Nono.Core.Proxy;

namespace Nono.Core.Tests.Proxy;

/// <summary>DNS over TCP on a real loopback listener (port 0, as the namespace hands one on port 53): same refusal, same record, bounded.</summary>
public sealed partial class DnsRefuserTests
{
    [Fact]
    public async Task Tcp_QueriesOnOneConnection_AnsweredRefused_RecordedOnceWithTheUdpOnes()
    {
        CapturingSink sink = new();
        await using TcpRefuser refuser = new(sink, new ManualTimeProvider()); // a clock that never moves: no connection reaches its lifetime under load
        using Socket client = await refuser.ConnectAsync();

        byte[] a = await TcpRefuser.ExchangeAsync(client, Query(0x4242, "Tcp.Example.TEST", 1));
        byte[] aaaa = await TcpRefuser.ExchangeAsync(client, Query(0x4243, "tcp.example.test", 28));
        byte[] viaUdp = await refuser.Udp.ExchangeAsync(Query(0x4244, "tcp.example.test", 1)); // a retry over the other transport
        client.Shutdown(SocketShutdown.Send);
        int end = await client.ReceiveAsync(new byte[1], TestContext.Current.CancellationToken);

        Assert.Equal(0x4242, BinaryPrimitives.ReadUInt16BigEndian(a));
        Assert.Equal(0x81, a[2]);
        Assert.Equal(5, a[3]); // REFUSED
        Assert.Equal(Query(0x4242, "Tcp.Example.TEST", 1)[12..], a[12..]); // the question echoed
        Assert.Equal(5, aaaa[3]);
        Assert.Equal(5, viaUdp[3]);
        Assert.Equal(0, end); // closed after the client's end
        Assert.Equal(
            [("tcp.example.test", "dns-query-refused:A"), ("tcp.example.test", "dns-query-refused:AAAA")],
            sink.Events.Select(e => (e.Host!, e.Reason)));
        Assert.All(sink.Events, e => Assert.Equal((ProxyMode.Dns, ProxyDecision.Denied, 53), (e.Mode, e.Decision, e.Port)));
    }

    [Fact]
    public async Task Tcp_IdleConnection_ClosedAtItsLifetime_OversizedQueryRecordedMalformedAndClosed()
    {
        CapturingSink sink = new();
        ManualTimeProvider time = new();
        await using TcpRefuser refuser = new(sink, time);
        using Socket idle = await refuser.ConnectAsync();

        // One answered query first: the connection is being served (its lifetime timer exists) before the clock moves.
        Assert.Equal(5, (await TcpRefuser.ExchangeAsync(idle, Query(1, "idle.test", 1)))[3]);
        time.Advance(DnsRefuser.TcpConnectionLifetime);
        int idleEnd = await idle.ReceiveAsync(new byte[1], TestContext.Current.CancellationToken);
        using Socket oversized = await refuser.ConnectAsync(); // after the clock moved: its own lifetime is untouched
        await oversized.SendAsync(new byte[] { (DnsRefuser.MaxTcpQueryBytes + 1) >> 8, (DnsRefuser.MaxTcpQueryBytes + 1) & 0xff }, TestContext.Current.CancellationToken);
        int oversizedEnd = await oversized.ReceiveAsync(new byte[1], TestContext.Current.CancellationToken);

        Assert.Equal(0, idleEnd);
        Assert.Equal(0, oversizedEnd); // closed without an answer
        Assert.Equal([("idle.test", "dns-query-refused:A"), (null, "dns-query-malformed")], sink.Events.Select(e => (e.Host, e.Reason)));
    }

    [Fact]
    public async Task Tcp_ConnectionsBeyondTheBound_ClosedUnread_CountedAtTheEnd_ServedOnesStillAnswered()
    {
        CapturingSink sink = new();
        TcpRefuser refuser = new(sink, new ManualTimeProvider()); // a clock that never moves: no connection reaches its lifetime under load
        List<Socket> held = [];
        try
        {
            for (int i = 0; i < DnsRefuser.MaxTcpConnections; i++)
            {
                Socket client = await refuser.ConnectAsync();
                held.Add(client);
                Assert.Equal(5, (await TcpRefuser.ExchangeAsync(client, Query((ushort)i, $"h{i}.bound.test", 1)))[3]); // served, and held open
            }

            using Socket extra = await refuser.ConnectAsync();
            await extra.SendAsync(Query(99, "extra.bound.test", 1), TestContext.Current.CancellationToken);
            int extraEnd;
            try
            {
                extraEnd = await extra.ReceiveAsync(new byte[1], TestContext.Current.CancellationToken);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
            {
                extraEnd = 0; // closed with our query unread: a reset
            }

            byte[] stillServed = await TcpRefuser.ExchangeAsync(held[0], Query(100, "again.bound.test", 1));

            Assert.Equal(0, extraEnd);
            Assert.Equal(5, stillServed[3]);
        }
        finally
        {
            held.ForEach(s => s.Dispose());
            await refuser.DisposeAsync();
        }

        Assert.DoesNotContain(sink.Events, e => e.Host == "extra.bound.test");
        Assert.Contains(sink.Events, e => e.Host == "again.bound.test");
        Assert.Equal("dns-tcp-connections-refused:1", sink.Events[^1].Reason); // a refused connection, not a query
        Assert.DoesNotContain(sink.Events, e => e.Reason.StartsWith("dns-queries-not-recorded", StringComparison.Ordinal));
    }

    /// <summary>A refuser with a UDP socket and a TCP listener on 127.0.0.1 (port 0 each).</summary>
    private sealed class TcpRefuser : IAsyncDisposable
    {
        private readonly DnsRefuser _refuser;
        private readonly EndPoint _endPoint;
        private readonly CancellationTokenSource _guard = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        public TcpRefuser(IProxyEventSink sink, TimeProvider time)
        {
            Socket udp = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            Udp = new UdpClient(udp.LocalEndPoint!);
            Socket listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(64);
            _endPoint = listener.LocalEndPoint!;
            _refuser = DnsRefuser.Start(udp, listener, sink, time);
            _guard.CancelAfter(TimeSpan.FromMinutes(1)); // a guard against a hang, not a timed assertion
        }

        public UdpClient Udp { get; }

        public async Task<Socket> ConnectAsync()
        {
            Socket client = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(_endPoint, _guard.Token);
            return client;
        }

        /// <summary>Sends one length-prefixed query and reads one length-prefixed answer.</summary>
        public static async Task<byte[]> ExchangeAsync(Socket client, byte[] query)
        {
            CancellationToken ct = TestContext.Current.CancellationToken;
            byte[] framed = new byte[2 + query.Length];
            BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)query.Length);
            query.CopyTo(framed, 2);
            await client.SendAsync(framed, ct);
            byte[] length = new byte[2];
            await ReadAsync(client, length, ct);
            byte[] answer = new byte[BinaryPrimitives.ReadUInt16BigEndian(length)];
            await ReadAsync(client, answer, ct);
            return answer;
        }

        public async ValueTask DisposeAsync()
        {
            await _refuser.DisposeAsync();
            Udp.Dispose();
            _guard.Dispose();
        }

        private static async Task ReadAsync(Socket client, byte[] buffer, CancellationToken ct)
        {
            for (int read = 0; read < buffer.Length;)
            {
                int n = await client.ReceiveAsync(buffer.AsMemory(read), ct);
                Assert.NotEqual(0, n);
                read += n;
            }
        }
    }

    /// <summary>The UDP side of <see cref="TcpRefuser"/>.</summary>
    private sealed class UdpClient(EndPoint server) : IDisposable
    {
        private readonly Socket _socket = Connected(server);

        public async Task<byte[]> ExchangeAsync(byte[] query)
        {
            CancellationToken ct = TestContext.Current.CancellationToken;
            await _socket.SendAsync(query, ct);
            byte[] buffer = new byte[512];
            int n = await _socket.ReceiveAsync(buffer, ct);
            return buffer[..n];
        }

        public void Dispose() => _socket.Dispose();

        private static Socket Connected(EndPoint server)
        {
            Socket socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Connect(server);
            return socket;
        }
    }
}
