using System.Diagnostics;
using System.Net.Sockets;
using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

public sealed partial class RunCommandTests
{
    /// <summary>
    /// argv: host pid, host datagram socket path. Prints one "name result" line per probe: the escapes first
    /// (clone3, prlimit64 on the host process, an unbound datagram pair sending to the host socket), then the
    /// legitimate paths (threads, a child process, the process's own limits, a stream pair).
    /// </summary>
    private const string EscapeProbe = """
        import ctypes, errno, os, resource, socket, subprocess, sys, threading
        libc = ctypes.CDLL(None, use_errno=True)
        def result(f):
            try:
                f(); return "ok"
            except OSError as e:
                return errno.errorcode[e.errno]
        def clone3():
            if libc.syscall(435, None, ctypes.c_size_t(0)) < 0:
                e = ctypes.get_errno(); raise OSError(e, os.strerror(e))
        def datagram():
            a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
            a.sendto(b"escaped", sys.argv[2])
        def stream():
            a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
            a.send(b"x"); assert b.recv(1) == b"x"
        def own_limit():
            soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(soft, 512), hard))
            assert resource.prlimit(0, resource.RLIMIT_NOFILE)[0] == min(soft, 512)
        def thread():
            t = threading.Thread(target=lambda: None); t.start(); t.join()
        print("clone3", result(clone3))
        print("prlimit-host", result(lambda: resource.prlimit(int(sys.argv[1]), resource.RLIMIT_NOFILE, (0, 0))))
        print("datagram-pair", result(datagram))
        print("thread", result(thread))
        print("child", result(lambda: subprocess.run(["/bin/true"], check=True)))
        print("own-limit", result(own_limit))
        print("stream-pair", result(stream))
        """;

    /// <summary>
    /// Review of session 11: clone3 could start a child in another cgroup (CLONE_INTO_CGROUP, behind a pointer seccomp
    /// cannot read), prlimit64 could set the limits of any host process of the same user (RLIMIT_NOFILE 0), and an
    /// unbound datagram pair reached host datagram sockets by address while socket(AF_UNIX) was refused. All three are
    /// refused in every containment; threads, children, the process's own limits and stream pairs still work.
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current, "pidns")]
    [InlineData(TestUser.Nobody, "pidns")]
    [InlineData(TestUser.Current, "cgroup")]
    [InlineData(TestUser.Current, "direct-child")]
    [InlineData(TestUser.Nobody, "direct-child")]
    public async Task Run_ProcessEscapes_AreRefusedWhileThreadsChildrenAndOwnLimitsWork(TestUser user, string containment)
    {
        using NonoSandbox sb = new(user);
        sb.Environment["NONO_CONTAINMENT"] = containment;
        string hostSocketPath = sb.Outside.Combine("host.sock");
        using Socket hostSocket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        hostSocket.Bind(new UnixDomainSocketEndPoint(hostSocketPath));
        File.SetUnixFileMode(hostSocketPath, (UnixFileMode)0x1B6); // 0666: the socket's permission is not what stops it
        using Process host = StartHostProcess(user);
        try
        {
            string limitsBefore = await File.ReadAllTextAsync($"/proc/{host.Id}/limits", TestContext.Current.CancellationToken);
            ProcessResult run = await sb.SandboxedAsync("run", [], NonoSandbox.Python, "-c", EscapeProbe, host.Id.ToString(), hostSocketPath);

            Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.StandardError}");
            Assert.Equal(
                ["clone3 ENOSYS", "prlimit-host EPERM", "datagram-pair EPERM", "thread ok", "child ok", "own-limit ok", "stream-pair ok"],
                run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Equal(limitsBefore, await File.ReadAllTextAsync($"/proc/{host.Id}/limits", TestContext.Current.CancellationToken));
            Assert.Equal(0, hostSocket.Available);
        }
        finally
        {
            host.Kill();
        }
    }

    /// <summary>A process outside the sandbox owned by the test user (the prlimit target).</summary>
    private static Process StartHostProcess(TestUser user) =>
        Process.Start(ProcessRunner.StartInfo("sleep", ["120"], user)) ?? throw new InvalidOperationException("sleep did not start");
}
