using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

public sealed partial class RunCommandTests
{
    /// <summary>Runs argv[1:] on a new pseudo-terminal (its own session, the pty as controlling terminal) and prints what it wrote.</summary>
    internal const string OnPty = """
        import os, pty, sys
        pid, fd = pty.fork()
        if pid == 0:
            os.execvp(sys.argv[1], sys.argv[1:])
        chunks = []
        while True:
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        _, status = os.waitpid(pid, 0)
        sys.stdout.write(b"".join(chunks).decode(errors="replace"))
        print("pty-exit", os.waitstatus_to_exitcode(status))
        """;

    /// <summary>Whether stdin is the command's controlling terminal (TIOCGSID answers only for it), and TIOCSTI on it.</summary>
    private const string TerminalProbe = """
        import fcntl, os, struct, termios
        try:
            fcntl.ioctl(0, 0x5429, b"\0\0\0\0")  # TIOCGSID
            print("ctty yes", flush=True)
        except OSError as e:
            print("ctty no", e.errno, flush=True)
        rows, cols = struct.unpack("hh", fcntl.ioctl(0, termios.TIOCGWINSZ, b"\0" * 8)[:4])
        print("winsize ok", flush=True)
        try:
            fcntl.ioctl(0, 0x5412, b"#")  # TIOCSTI
            print("sti injected", flush=True)
        except OSError as e:
            print("sti errno", e.errno, flush=True)
        """;

    /// <summary>
    /// With a terminal on stdin/stdout/stderr the init does not detach it (setsid would take it from interactive
    /// programs), so the PID namespace is no signal scope there and ABI 4 still needs <c>unscoped-signals</c>; with the
    /// opt-in the command keeps the terminal as its controlling terminal.
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_OlderAbiInPidNamespaceOnATerminal_KeepsTheTerminalAndNeedsTheOptIn(TestUser user)
    {
        using NonoSandbox sb = new(user);
        sb.Environment["NONO_CONTAINMENT"] = "pidns";

        ProcessResult refused = await OnPtyAsync(sb, ["--landlock-abi", "4"], "/bin/true");
        ProcessResult weaker = await OnPtyAsync(sb, ["--landlock-abi", "4", "--allow-weaker", "unscoped-signals", "-v"], NonoSandbox.Python, "-c", TerminalProbe);

        Assert.Contains("pty-exit 1", refused.StandardOutput);
        Assert.Contains("only without a terminal on stdin, stdout or stderr", refused.StandardOutput);
        Assert.Contains("--allow-weaker unscoped-signals", refused.StandardOutput);
        Assert.True(weaker.StandardOutput.Contains("pty-exit 0"), weaker.StandardOutput);
        Assert.Contains("session: nono's (a terminal is on stdin, stdout or stderr", weaker.StandardOutput);
        Assert.Contains("ctty yes", weaker.StandardOutput);
        Assert.Contains("winsize ok", weaker.StandardOutput);
    }

    /// <summary>
    /// TIOCSTI would push input into the terminal the user's shell reads (CVE-2017-5226 in bubblewrap): seccomp refuses it
    /// in every tier while other terminal ioctls work. Outside the sandbox the same probe injects, where the kernel still
    /// allows TIOCSTI (dev.tty.legacy_tiocsti=1), so the test can fail.
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_OnATerminal_TiocstiRefusedOtherTerminalCallsWork(TestUser user)
    {
        using NonoSandbox sb = new(user);

        ProcessResult inside = await OnPtyAsync(sb, [], NonoSandbox.Python, "-c", TerminalProbe);
        ProcessResult outside = await ProcessRunner.RunAsync(NonoSandbox.Python, ["-c", OnPty, NonoSandbox.Python, "-c", TerminalProbe], user, sb.Environment, sb.Home.Path, cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(inside.StandardOutput.Contains("pty-exit 0"), inside.StandardOutput);
        Assert.Contains("ctty yes", inside.StandardOutput); // ABI 6+: Landlock scopes signals, the command keeps its terminal
        Assert.Contains("winsize ok", inside.StandardOutput);
        Assert.Contains("sti errno 1", inside.StandardOutput); // EPERM from seccomp
        if (File.ReadAllText("/proc/sys/dev/tty/legacy_tiocsti").Trim() == "1")
        {
            Assert.Contains("sti injected", outside.StandardOutput);
        }
    }

    private static Task<ProcessResult> OnPtyAsync(NonoSandbox sb, string[] options, params string[] command) =>
        ProcessRunner.RunAsync(NonoSandbox.Python, ["-c", OnPty, NonoExecutable.Path, "run", .. SandboxSystemPaths.CliFlags, .. options, "--", .. command], sb.User, sb.Environment, sb.Home.Path, cancellationToken: TestContext.Current.CancellationToken);
}
