using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

public sealed partial class RunCommandTests
{
    /// <summary>argv: a System V key. Prints whether a segment of that key is found, then whether a private one works.</summary>
    private const string SharedMemoryProbe = """
        import ctypes, errno, sys
        libc = ctypes.CDLL(None, use_errno=True)
        libc.shmat.restype = ctypes.c_void_p
        found = libc.shmget(int(sys.argv[1]), 0, 0)
        print("host-segment", "found" if found >= 0 else errno.errorcode[ctypes.get_errno()])
        own = libc.shmget(0, 4096, 0o1600)  # IPC_PRIVATE, IPC_CREAT | 0600
        address = libc.shmat(own, None, 0) if own >= 0 else None
        ctypes.memmove(address, b"ok", 2) if address not in (None, ctypes.c_void_p(-1).value) else None
        print("own-segment", "ok" if address not in (None, ctypes.c_void_p(-1).value) else errno.errorcode[ctypes.get_errno()])
        libc.shmctl(own, 0, None)  # IPC_RMID
        """;

    /// <summary>
    /// Review of session 11 (S1): System V IPC is not covered by Landlock, so a segment of the user's host processes was
    /// open to the sandbox. The namespace containments give the command a private IPC namespace; its own segments work.
    /// The cgroup and direct-child containments have no namespace: there the host segment stays reachable (the control
    /// that shows the probe can find it; documented in docs/status.md).
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current, "pidns", false)]
    [InlineData(TestUser.Nobody, "pidns", false)]
    [InlineData(TestUser.Current, "direct-child", true)]
    [InlineData(TestUser.Nobody, "direct-child", true)]
    public async Task Run_HostSharedMemory_OutOfReachInTheNamespaceContainment(TestUser user, string containment, bool reachable)
    {
        using NonoSandbox sb = new(user);
        sb.Environment["NONO_CONTAINMENT"] = containment;
        int key = Random.Shared.Next(0x10000, int.MaxValue);
        ProcessResult made = await ProcessRunner.RunAsync(NonoSandbox.Python,
            ["-c", "import ctypes, sys; print(ctypes.CDLL(None).shmget(int(sys.argv[1]), 4096, 0o1600))", key.ToString()], user,
            cancellationToken: TestContext.Current.CancellationToken);
        string id = made.StandardOutput.Trim();
        Assert.True(made.ExitCode == 0 && int.Parse(id) >= 0, $"host segment not made: {made.StandardOutput}{made.StandardError}");
        try
        {
            ProcessResult run = await sb.SandboxedAsync("run", [], NonoSandbox.Python, "-c", SharedMemoryProbe, key.ToString());

            Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.StandardError}");
            Assert.Equal([reachable ? "host-segment found" : "host-segment ENOENT", "own-segment ok"],
                run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            await ProcessRunner.RunAsync("ipcrm", ["-m", id], cancellationToken: TestContext.Current.CancellationToken);
        }
    }
}
