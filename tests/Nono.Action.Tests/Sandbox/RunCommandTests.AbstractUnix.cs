using System.Net.Sockets;
using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

public sealed partial class RunCommandTests
{
    private const string ConnectAbstract = """
        import socket, sys
        own = socket.socket(socket.AF_UNIX)
        own.bind("\0" + sys.argv[1] + "-inner"); own.listen()
        inner = socket.socket(socket.AF_UNIX); inner.connect("\0" + sys.argv[1] + "-inner"); print("inner-connected")
        s = socket.socket(socket.AF_UNIX)
        try:
            s.connect("\0" + sys.argv[1]); print("host-connected")
        except OSError as e:
            print("host-unreachable", e.errno)
        """;

    /// <summary>
    /// Landlock ABI 4-5 has no abstract-socket scope, but abstract UNIX sockets belong to the network namespace: in the
    /// netns tier (<c>--block-net</c>) a host listener is unreachable while the sandbox's own abstract socket works, with
    /// no <c>unscoped-abstract-unix</c> opt-in. Contrast: with the network allowed (no namespace) the opt-in is required
    /// and the same connect reaches the host listener.
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_Abi4InNetworkNamespace_HostAbstractSocketUnreachable(TestUser user)
    {
        using NonoSandbox sb = new(user);
        string name = "nono-test-" + Guid.NewGuid().ToString("N");
        using Socket listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint("\0" + name));
        listener.Listen();

        ProcessResult inside = await sb.SandboxedAsync("run", ["--landlock-abi", "4", "--block-net", "--allow-unix-sockets", "-v"], NonoSandbox.Python, "-c", ConnectAbstract, name);
        ProcessResult refused = await sb.SandboxedAsync("run", ["--landlock-abi", "4", "--allow-unix-sockets"], "/bin/true");
        ProcessResult contrast = await sb.SandboxedAsync("run", ["--landlock-abi", "4", "--allow-unix-sockets", "--allow-weaker", "unscoped-abstract-unix"], NonoSandbox.Python, "-c", ConnectAbstract, name);

        Assert.True(inside.ExitCode == 0, $"exit {inside.ExitCode}: {inside.StandardError}");
        Assert.Contains("network tier: netns", inside.StandardError);
        Assert.Contains("inner-connected", inside.StandardOutput);
        Assert.Contains("host-unreachable 111", inside.StandardOutput); // ECONNREFUSED: no such name in the namespace
        Assert.Contains("abstract UNIX sockets scoped by the network namespace (Landlock ABI 4 has no abstract-socket scoping)", inside.StandardError);
        Assert.DoesNotContain("weaker mode in force", inside.StandardError);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("--allow-weaker unscoped-abstract-unix", refused.StandardError);
        Assert.Contains("host-connected", contrast.StandardOutput);
    }
}
