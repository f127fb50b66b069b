using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

public sealed partial class RunCommandTests
{
    /// <summary>The grants a program needs to make a new pseudo-terminal (the default profile's system_read_linux has them).</summary>
    private static readonly string[] PtyGrants = ["--allow", "/dev/pts", "--allow-file", "/dev/ptmx"];

    /// <summary>
    /// argv[1]: the invoking shell's terminal. Tries to take it over (new session, TIOCSCTTY 1 steals it from the shell's
    /// session with CAP_SYS_ADMIN) and hang it up (vhangup, TIOCVHANGUP); then does what terminal programs legitimately do:
    /// a new pty from /dev/ptmx made the controlling terminal of a child (pty.fork: setsid + TIOCSCTTY 0) and talked to.
    /// </summary>
    private const string HangupAttempts = """
        import ctypes, fcntl, os, pty, sys
        def attempt(name, call):
            try:
                call()
                print(name, "ok", flush=True)
            except OSError as e:
                print(name, "errno", e.errno, flush=True)
        libc = ctypes.CDLL(None, use_errno=True)
        def vhangup():
            if libc.vhangup() != 0:
                raise OSError(ctypes.get_errno(), "vhangup")
        attempt("setsid", os.setsid)
        try:
            fd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY)
            attempt("steal", lambda: fcntl.ioctl(fd, 0x540E, 1))  # TIOCSCTTY, steal
            attempt("vhangup", vhangup)
            attempt("tiocvhangup", lambda: fcntl.ioctl(fd, 0x5437))  # TIOCVHANGUP
        except OSError as e:
            print("open errno", e.errno, flush=True)
        pid, master = pty.fork()
        if pid == 0:
            try:
                fcntl.ioctl(0, 0x5429, b"\0\0\0\0")  # TIOCGSID: answers only on the controlling terminal
                print("child ctty yes", flush=True)
            except OSError as e:
                print("child ctty no", e.errno, flush=True)
            print("child read", sys.stdin.readline().strip(), flush=True)
            os._exit(0)
        os.write(master, b"ping\n")
        out = b""
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:
                break
            if not data:
                break
            out += data
        os.waitpid(pid, 0)
        print(out.decode(errors="replace").replace("\r", ""), flush=True)
        """;

    /// <summary>
    /// The invoking shell runs nono with no terminal on fds 0-2 (the PID-namespace init then gives the command a session of
    /// its own): root there keeps CAP_SYS_ADMIN, and on main stole the shell's terminal and hung it up, so the shell's next
    /// write failed. Seccomp refuses the steal and both hang-ups; the shell goes on, and the command can still give a new
    /// pty to its child. As uid 65534 the kernel already refuses the steal and vhangup. The shell's terminal is granted by
    /// name (<c>--allow-file</c>): in the pidns containment that name is not in the private devpts (ENOENT, see
    /// RunCommandTests.DevPts.cs), so the seccomp refusals are reached in direct-child, where it opens (and no new pty can).
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current, "pidns")]
    [InlineData(TestUser.Nobody, "pidns")]
    [InlineData(TestUser.Current, "direct-child")]
    [InlineData(TestUser.Nobody, "direct-child")]
    public async Task Run_WithoutATerminal_CannotStealOrHangUpTheShellsTerminal(TestUser user, string containment)
    {
        using NonoSandbox sb = new(user);
        sb.Environment["NONO_CONTAINMENT"] = containment;
        const string Shell = """tty=$(tty); nono=$1; shift; "$nono" run --allow-file "$tty" "$@" "$tty" </dev/null 2>&1 | cat; echo shell-alive""";

        ProcessResult r = await ProcessRunner.RunAsync(NonoSandbox.Python,
            ["-c", OnPty, "/bin/sh", "-c", Shell, "sh", NonoExecutable.Path, .. SandboxSystemPaths.CliFlags, .. PtyGrants, "--", NonoSandbox.Python, "-c", HangupAttempts],
            user, sb.Environment, sb.Home.Path, cancellationToken: TestContext.Current.CancellationToken);

        string output = r.StandardOutput;
        Assert.True(output.Contains("shell-alive") && output.Contains("pty-exit 0"), output);
        if (containment == "pidns")
        {
            Assert.Contains("setsid ok", output);
            Assert.Contains("open errno 2", output);
            Assert.Contains("child ctty yes", output);
            Assert.Contains("child read ping", output);
        }
        else
        {
            Assert.Contains("steal errno 1", output);
            Assert.Contains("vhangup errno 1", output);
            Assert.Contains("tiocvhangup errno 1", output);
        }
    }

    /// <summary>
    /// With the terminal on fds 0-2 it is the command's controlling terminal: vhangup as root (no user namespace in the
    /// PID-namespace tier) hung it up on main and the shell that started nono died of SIGHUP. Refused now; the shell goes on.
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_OnATerminal_CannotHangUpTheShellsTerminal(TestUser user)
    {
        using NonoSandbox sb = new(user);
        sb.Environment["NONO_CONTAINMENT"] = "pidns";
        const string Hangup = """
            import ctypes, fcntl
            libc = ctypes.CDLL(None, use_errno=True)
            print("vhangup", libc.vhangup(), ctypes.get_errno(), flush=True)
            try:
                fcntl.ioctl(0, 0x5437)  # TIOCVHANGUP
                print("tiocvhangup ok", flush=True)
            except OSError as e:
                print("tiocvhangup errno", e.errno, flush=True)
            """;

        ProcessResult r = await ProcessRunner.RunAsync(NonoSandbox.Python,
            ["-c", OnPty, "/bin/sh", "-c", "\"$@\"; echo shell-alive", "sh", NonoExecutable.Path, "run", .. SandboxSystemPaths.CliFlags, "--", NonoSandbox.Python, "-c", Hangup],
            user, sb.Environment, sb.Home.Path, cancellationToken: TestContext.Current.CancellationToken);

        string output = r.StandardOutput;
        Assert.True(output.Contains("shell-alive") && output.Contains("pty-exit 0"), output);
        Assert.Contains("vhangup -1 1", output);
        Assert.Contains("tiocvhangup errno 1", output);
    }
}
