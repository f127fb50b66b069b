using System.Net;
using System.Net.Sockets;
using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

public sealed partial class RunCommandTests
{
    private const string NetProbe = """
        import socket, sys
        try:
            socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10).close(); print("tcp-connected")
        except OSError as e:
            print("tcp-failed", e.errno)
        try:
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("127.0.0.1", int(sys.argv[2]))); print("udp-sent")
        except OSError as e:
            print("udp-failed", e.errno)
        try:
            socket.socket(socket.AF_UNIX); print("unix-created")
        except OSError as e:
            print("unix-failed", e.errno)
        """;

    [Theory]
    [InlineData(TestUser.Current, true)]
    [InlineData(TestUser.Current, false)]
    [InlineData(TestUser.Nobody, true)]
    [InlineData(TestUser.Nobody, false)]
    public async Task Run_BlockNet_TcpAndUdpToLoopbackFailOnlyWhenBlocked(TestUser user, bool block)
    {
        using NonoSandbox sb = new(user);
        using TcpListener tcp = new(IPAddress.Loopback, 0);
        tcp.Start();
        using UdpClient udp = new(new IPEndPoint(IPAddress.Loopback, 0));
        string tcpPort = ((IPEndPoint)tcp.LocalEndpoint).Port.ToString();
        string udpPort = ((IPEndPoint)udp.Client.LocalEndPoint!).Port.ToString();

        ProcessResult result = await sb.SandboxedAsync("run", block ? ["--block-net"] : [], NonoSandbox.Python, "-c", NetProbe, tcpPort, udpPort);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("unix-failed 1", result.StandardOutput);
        Assert.Equal(block, result.StandardOutput.Contains("tcp-failed 1"));
        Assert.Equal(block, result.StandardOutput.Contains("udp-failed 1"));
        Assert.Equal(!block, tcp.Pending());
        Assert.Equal(!block, udp.Available > 0);
    }

    [Fact]
    public async Task Run_BlockNetEnvironmentVariable_Blocks()
    {
        using NonoSandbox sb = new(TestUser.Current);
        using TcpListener tcp = new(IPAddress.Loopback, 0);
        tcp.Start();
        sb.Environment["NONO_BLOCK_NET"] = "1";

        ProcessResult result = await sb.SandboxedAsync("run", [], NonoSandbox.Python, "-c", NetProbe, ((IPEndPoint)tcp.LocalEndpoint).Port.ToString(), "9");

        Assert.Contains("tcp-failed 1", result.StandardOutput);
        Assert.False(tcp.Pending());
    }
}
