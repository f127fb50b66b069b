using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

public sealed partial class RunCommandTests
{
    /// <summary>argv: key, queue name. Makes a host shared-memory segment, semaphore set and message queue of that key and a POSIX queue; prints their ids.</summary>
    private const string HostIpcMaker = """
        import ctypes, sys
        libc = ctypes.CDLL(None, use_errno=True)
        key = int(sys.argv[1])
        print(libc.shmget(key, 4096, 0o1600), libc.semget(key, 1, 0o1600), libc.msgget(key, 0o1600),
              libc.mq_open(sys.argv[2].encode(), 0o100, 0o600, None))  # O_CREAT
        """;

    /// <summary>
    /// argv: a System V key, a POSIX queue name. Prints whether the host's segment, semaphore set, message queue and
    /// POSIX queue are found, then whether a private segment works.
    /// </summary>
    private const string SharedMemoryProbe = """
        import ctypes, errno, sys
        libc = ctypes.CDLL(None, use_errno=True)
        libc.shmat.restype = ctypes.c_void_p
        key = int(sys.argv[1])
        def found(r):
            return "found" if r >= 0 else errno.errorcode[ctypes.get_errno()]
        print("host-segment", found(libc.shmget(key, 0, 0)))
        print("host-semaphore", found(libc.semget(key, 0, 0)))
        print("host-queue", found(libc.msgget(key, 0)))
        print("host-mq", found(libc.mq_open(sys.argv[2].encode(), 0)))
        own = libc.shmget(0, 4096, 0o1600)  # IPC_PRIVATE, IPC_CREAT | 0600
        address = libc.shmat(own, None, 0) if own >= 0 else None
        ctypes.memmove(address, b"ok", 2) if address not in (None, ctypes.c_void_p(-1).value) else None
        print("own-segment", "ok" if address not in (None, ctypes.c_void_p(-1).value) else errno.errorcode[ctypes.get_errno()])
        libc.shmctl(own, 0, None)  # IPC_RMID
        """;

    /// <summary>
    /// Review of session 11 (S1) and session 13: System V IPC and POSIX message queues are not covered by Landlock, so the
    /// objects of the user's host processes were open to the sandbox. The namespace containments give the command a
    /// private IPC namespace: the host's objects are not found there, its own segments work. The cgroup and direct-child
    /// containments share the host's IPC namespace: there every IPC call is refused (EPERM), unless --allow-weaker
    /// shared-ipc, which reaches the host's objects again (the control that shows the probe can find them). The netns
    /// network tier (--block-net here) gives direct-child a private IPC namespace as well: nothing is refused there.
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current, "pidns", false)]
    [InlineData(TestUser.Nobody, "pidns", false)]
    [InlineData(TestUser.Current, "cgroup", false)]
    [InlineData(TestUser.Current, "direct-child", false)]
    [InlineData(TestUser.Nobody, "direct-child", false)]
    [InlineData(TestUser.Current, "cgroup", true)]
    [InlineData(TestUser.Current, "direct-child", true)]
    [InlineData(TestUser.Nobody, "direct-child", true)]
    [InlineData(TestUser.Current, "direct-child", false, true)]
    [InlineData(TestUser.Nobody, "direct-child", false, true)]
    public async Task Run_HostIpc_OutOfReachUnlessShared(TestUser user, string containment, bool sharedIpc, bool networkNamespace = false)
    {
        using NonoSandbox sb = new(user);
        sb.Environment["NONO_CONTAINMENT"] = containment;
        int key = Random.Shared.Next(0x10000, int.MaxValue);
        string queue = $"/nono-test-{key}";
        ProcessResult made = await ProcessRunner.RunAsync(NonoSandbox.Python, ["-c", HostIpcMaker, key.ToString(), queue], user,
            cancellationToken: TestContext.Current.CancellationToken);
        string[] ids = made.StandardOutput.Split(' ', StringSplitOptions.TrimEntries);
        Assert.True(made.ExitCode == 0 && ids.Length == 4 && ids.All(id => int.Parse(id) >= 0), $"host objects not made: {made.StandardOutput}{made.StandardError}");
        try
        {
            string[] options = [.. sharedIpc ? ["--allow-weaker", "shared-ipc"] : Array.Empty<string>(), .. networkNamespace ? ["--block-net"] : Array.Empty<string>()];
            ProcessResult run = await sb.SandboxedAsync("run", options, NonoSandbox.Python, "-c", SharedMemoryProbe, key.ToString(), queue);

            Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.StandardError}");
            string[] expected = containment == "pidns" || networkNamespace // the netns tier clones a private IPC namespace too
                ? ["host-segment ENOENT", "host-semaphore ENOENT", "host-queue ENOENT", "host-mq ENOENT", "own-segment ok"]
                : sharedIpc
                    ? ["host-segment found", "host-semaphore found", "host-queue found", "host-mq EACCES", "own-segment ok"] // POSIX queues: Landlock refuses the open too
                    : ["host-segment EPERM", "host-semaphore EPERM", "host-queue EPERM", "host-mq EPERM", "own-segment EPERM"];
            Assert.Equal(expected, run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Equal(sharedIpc, run.StandardError.Contains("nono: warning: weaker mode in force: shared-ipc", StringComparison.Ordinal));
        }
        finally
        {
            await ProcessRunner.RunAsync("ipcrm", ["-m", ids[0], "-s", ids[1], "-q", ids[2]], cancellationToken: TestContext.Current.CancellationToken);
            await ProcessRunner.RunAsync(NonoSandbox.Python, ["-c", "import ctypes, sys; ctypes.CDLL(None).mq_unlink(sys.argv[1].encode())", queue],
                cancellationToken: TestContext.Current.CancellationToken);
        }
    }
}
