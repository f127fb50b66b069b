using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

public sealed partial class RunCommandTests
{
    /// <summary>
    /// Prints one "name result" line per probe, each in a forked child (unshare of a user namespace needs a
    /// single-threaded caller, and leaves the parent as it was): a user namespace by unshare, by a raw clone and by
    /// util-linux's unshare -U; the other namespaces alone (they need CAP_SYS_ADMIN, which the command lacks); then a
    /// thread, a fork and a child process.
    /// </summary>
    private const string UserNamespaceProbe = """
        import ctypes, errno, os, subprocess, threading
        libc = ctypes.CDLL(None, use_errno=True)
        CLONE = {"x86_64": 56, "aarch64": 220}[os.uname().machine]
        def in_child(f):
            pid = os.fork()
            if pid == 0:
                try:
                    f(); os._exit(0)
                except OSError as e:
                    os._exit(e.errno)
            code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
            return "ok" if code == 0 else errno.errorcode[code]
        def check(r):
            if r < 0:
                e = ctypes.get_errno(); raise OSError(e, os.strerror(e))
        def unshare(flags):
            return lambda: check(libc.unshare(flags))
        def clone_user():
            pid = libc.syscall(CLONE, ctypes.c_ulong(0x10000000 | 17), None, None, None, None)
            check(pid)
            if pid == 0:
                os._exit(0)
            os.waitpid(pid, 0)
        print("unshare-user", in_child(unshare(0x10000000)))
        print("clone-user", in_child(clone_user))
        print("unshare-tool", subprocess.run(["unshare", "-U", "true"], stderr=subprocess.DEVNULL).returncode)
        for name, flag in [("mount", 0x20000), ("uts", 0x4000000), ("ipc", 0x8000000), ("pid", 0x20000000), ("net", 0x40000000), ("cgroup", 0x2000000)]:
            print("unshare-" + name, in_child(unshare(flag)))
        t = threading.Thread(target=lambda: None); t.start(); t.join(); print("thread ok")
        print("fork", in_child(lambda: None))
        print("child", subprocess.run(["/bin/true"]).returncode)
        """;

    private static readonly string[] s_otherNamespacesRefused =
        ["unshare-mount EPERM", "unshare-uts EPERM", "unshare-ipc EPERM", "unshare-pid EPERM", "unshare-net EPERM", "unshare-cgroup EPERM", "thread ok", "fork ok", "child 0"];

    /// <summary>
    /// Review S4: a user namespace of its own gave the command every capability in it (netfilter, mounts of its own: a
    /// large kernel attack surface). unshare and clone with CLONE_NEWUSER now fail with EPERM in every containment and in
    /// wrap; the other namespaces were and stay out of reach (no CAP_SYS_ADMIN); threads, fork and child processes work.
    /// With --allow-weaker nested-user-namespaces a user namespace can be made again (the old behaviour), and the opt-in
    /// is printed, shown by --dry-run and recorded in the audit trail.
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current, "run", "pidns")]
    [InlineData(TestUser.Nobody, "run", "pidns")]
    [InlineData(TestUser.Current, "run", "cgroup")]
    [InlineData(TestUser.Current, "run", "direct-child")]
    [InlineData(TestUser.Nobody, "run", "direct-child")]
    [InlineData(TestUser.Current, "wrap", "direct-child")]
    [InlineData(TestUser.Nobody, "wrap", "direct-child")]
    public async Task Run_UserNamespaces_RefusedUnlessOptedIn(TestUser user, string verb, string containment)
    {
        using NonoSandbox sb = new(user);
        sb.Environment["NONO_CONTAINMENT"] = containment;

        ProcessResult refused = await sb.SandboxedAsync(verb, [], NonoSandbox.Python, "-c", UserNamespaceProbe);
        ProcessResult optedIn = await sb.SandboxedAsync(verb, ["--allow-weaker", "nested-user-namespaces"], NonoSandbox.Python, "-c", UserNamespaceProbe);

        Assert.True(refused.ExitCode == 0, $"exit {refused.ExitCode}: {refused.StandardError}");
        Assert.Equal(["unshare-user EPERM", "clone-user EPERM", "unshare-tool 1", .. s_otherNamespacesRefused], Lines(refused.StandardOutput));
        Assert.True(optedIn.ExitCode == 0, $"exit {optedIn.ExitCode}: {optedIn.StandardError}");
        Assert.Equal(["unshare-user ok", "clone-user ok", "unshare-tool 0", .. s_otherNamespacesRefused], Lines(optedIn.StandardOutput));
        Assert.Contains("nono: warning: weaker mode in force: nested-user-namespaces", optedIn.StandardError, StringComparison.Ordinal);
        if (verb == "run")
        {
            Assert.Contains("\"nested-user-namespaces\"", SessionEvents(sb, optedIn), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task DryRun_NamesTheUserNamespaceRefusalAndTheOptIn()
    {
        using NonoSandbox sb = new(TestUser.Current);

        ProcessResult plain = await sb.RunAsync("run", "--dry-run", "--", "/bin/true");
        ProcessResult weaker = await sb.RunAsync("run", "--dry-run", "--allow-weaker", "nested-user-namespaces", "--", "/bin/true");

        Assert.Contains("user namespaces: refused (unshare and clone with CLONE_NEWUSER fail with EPERM)", plain.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("weaker modes IN FORCE: nested-user-namespaces", weaker.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("user namespaces: ALLOWED (--allow-weaker nested-user-namespaces", weaker.StandardOutput, StringComparison.Ordinal);
    }

    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
