using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Nono.Core.Proxy;

namespace Nono.Core.Tests.Proxy;

/// <summary>
/// The supervisor's DNS refuser on real UDP sockets on loopback (its socket bound to port 0, as the namespace hands it one
/// on port 53): every query is answered REFUSED or FORMERR, recorded, and never forwarded (the refuser has no upstream).
/// </summary>
public sealed partial class DnsRefuserTests
{
    [Fact]
    public async Task Query_AnsweredRefusedWithTheQuestion_RecordedOncePerNameAndType()
    {
        CapturingSink sink = new();
        await using Refuser refuser = new(sink);

        byte[] first = await refuser.ExchangeAsync(Query(0x1234, "Pkg.Example.TEST", 1));
        byte[] again = await refuser.ExchangeAsync(Query(0x1235, "pkg.example.test", 1));
        byte[] aaaa = await refuser.ExchangeAsync(Query(0x1236, "pkg.example.test", 28));

        byte[] question = Query(0x1234, "Pkg.Example.TEST", 1)[12..];
        Assert.Equal(0x1234, BinaryPrimitives.ReadUInt16BigEndian(first));
        Assert.Equal(0x81, first[2]); // QR, opcode QUERY, RD kept
        Assert.Equal(5, first[3] & 0x0f); // REFUSED
        Assert.Equal([0, 1, 0, 0, 0, 0, 0, 0], first[4..12]); // one question, no records
        Assert.Equal(question, first[12..]);
        Assert.Equal(0x1235, BinaryPrimitives.ReadUInt16BigEndian(again));
        Assert.Equal(5, again[3]);
        Assert.Equal(5, aaaa[3]);
        Assert.Equal(
            [("pkg.example.test", "dns-query-refused:A"), ("pkg.example.test", "dns-query-refused:AAAA")],
            sink.Events.Select(e => (e.Host!, e.Reason)));
        Assert.All(sink.Events, e =>
        {
            Assert.Equal(ProxyMode.Dns, e.Mode);
            Assert.Equal(ProxyDecision.Denied, e.Decision);
            Assert.Equal(53, e.Port);
            Assert.Equal("DNS", e.Method);
        });
    }

    [Fact]
    public async Task MalformedQuery_AnsweredFormErr_ResponsesIgnored_OddBytesEscaped()
    {
        CapturingSink sink = new();
        await using Refuser refuser = new(sink);
        byte[] pointer = [.. Query(7, "a.test", 1)[..12], 0xc0, 0x0c, 0, 1, 0, 1]; // a compression pointer in a question
        byte[] response = Query(8, "ignored.test", 1);
        response[2] |= 0x80;
        byte[] odd = Query(9, "x.test", 16);
        odd[13] = 0x01; // the label "x" becomes the byte 0x01

        byte[] formErr = await refuser.ExchangeAsync(pointer);
        // A response is never answered: the next datagram back is the answer to the query sent after it.
        await refuser.Client.SendAsync(response, TestContext.Current.CancellationToken);
        byte[] oddAnswer = await refuser.ExchangeAsync(odd);

        Assert.Equal(7, BinaryPrimitives.ReadUInt16BigEndian(formErr));
        Assert.Equal(1, formErr[3]); // FORMERR
        Assert.Equal(12, formErr.Length); // no question echoed
        Assert.Equal(9, BinaryPrimitives.ReadUInt16BigEndian(oddAnswer));
        Assert.Equal(
            [(null, "dns-query-malformed"), ("\\001.test", "dns-query-refused:TXT")],
            sink.Events.Select(e => (e.Host, e.Reason)));
    }

    [Fact]
    public async Task Flood_BeyondTheLimit_StillRefused_CountedInOneEventAtTheEnd()
    {
        CapturingSink sink = new();
        Refuser refuser = new(sink);
        byte[] last = [];
        try
        {
            for (int i = 0; i < DnsRefuser.DistinctQueriesRecordedOnce + 2; i++)
            {
                last = await refuser.ExchangeAsync(Query((ushort)i, $"n{i}.flood.test", 1));
            }
        }
        finally
        {
            await refuser.DisposeAsync();
        }

        Assert.Equal(5, last[3]); // still refused
        Assert.Equal(DnsRefuser.DistinctQueriesRecordedOnce + 1, sink.Events.Count);
        Assert.Equal($"n{DnsRefuser.DistinctQueriesRecordedOnce - 1}.flood.test", sink.Events[^2].Host);
        Assert.Equal("dns-queries-not-recorded:2", sink.Events[^1].Reason);
    }

    [Fact]
    public void Start_WithAStreamSocket_Throws()
    {
        using Socket tcp = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

        Assert.Throws<ArgumentException>(() => DnsRefuser.Start(tcp, new CapturingSink(), TimeProvider.System));
    }

    private static byte[] Query(ushort id, string name, ushort type)
    {
        List<byte> packet = [(byte)(id >> 8), (byte)id, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
        foreach (string label in name.Split('.'))
        {
            packet.Add((byte)label.Length);
            packet.AddRange(Encoding.ASCII.GetBytes(label));
        }

        packet.AddRange([0, (byte)(type >> 8), (byte)type, 0, 1]);
        return [.. packet];
    }

    /// <summary>A refuser on 127.0.0.1:port-0 and a client connected to it.</summary>
    private sealed class Refuser : IAsyncDisposable
    {
        private readonly DnsRefuser _refuser;
        private readonly CancellationTokenSource _guard = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        public Refuser(IProxyEventSink sink)
        {
            Socket socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            Client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            Client.Connect(socket.LocalEndPoint!); // bound just above
            _refuser = DnsRefuser.Start(socket, sink, TimeProvider.System);
            _guard.CancelAfter(TimeSpan.FromMinutes(1)); // a guard against a hang, not a timed assertion
        }

        public Socket Client { get; }

        public async Task<byte[]> ExchangeAsync(byte[] query)
        {
            CancellationToken ct = _guard.Token;
            await Client.SendAsync(query, ct);
            byte[] buffer = new byte[512];
            int n = await Client.ReceiveAsync(buffer, ct);
            return buffer[..n];
        }

        public async ValueTask DisposeAsync()
        {
            await _refuser.DisposeAsync();
            Client.Dispose();
            _guard.Dispose();
        }
    }
}
