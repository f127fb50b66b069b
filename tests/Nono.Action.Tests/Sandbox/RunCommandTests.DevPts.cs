using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

public sealed partial class RunCommandTests
{
    /// <summary>Every containment, as root and as uid 65534 (cgroup needs root or a delegated cgroup).</summary>
    public static TheoryData<TestUser, string> EveryContainment => new()
    {
        { TestUser.Current, "pidns" },
        { TestUser.Nobody, "pidns" },
        { TestUser.Current, "direct-child" },
        { TestUser.Nobody, "direct-child" },
        { TestUser.Current, "cgroup" },
    };

    /// <summary>
    /// Run as the test user outside nono: makes a pty that stands for another terminal of the same user (its slave is
    /// owned by that user), types two lines into it, then runs argv[2:] + [its name] (nono running <see cref="PtyAttempts"/>; argv[1] "umount" passes that on)
    /// and the same attempts outside nono, which must reach it (so the sandboxed side can fail).
    /// </summary>
    private const string OtherTerminal = """
        import os, pty, subprocess, sys
        master, slave = pty.openpty()
        name = os.ttyname(slave)
        os.write(master, b"keystroke-1\nkeystroke-2\n")
        umount = ["umount"] if sys.argv[1] == "umount" else []
        inside = subprocess.run(sys.argv[2:] + [name] + umount, capture_output=True, text=True)
        print("inside:", inside.stdout, inside.stderr, "exit", inside.returncode, flush=True)
        outside = subprocess.run(sys.argv[-3:] + [name], capture_output=True, text=True)  # python -c PtyAttempts
        print("outside:", outside.stdout, outside.stderr, flush=True)
        """;

    /// <summary>
    /// argv[1]: a terminal of the user that is not the command's. Opens it by name and reads what was typed into it (the
    /// attack; after trying to unmount what covers it, by its name and through /proc/self/root), then makes a new pty and talks through it (what terminal programs legitimately do).
    /// </summary>
    private const string PtyAttempts = """
        import ctypes, os, sys
        libc = ctypes.CDLL(None, use_errno=True)
        if sys.argv[2:] == ["umount"]:  # only in a mount namespace: elsewhere, as root, a regression would detach the host's
            print("umount", libc.umount2(b"/dev/pts", 2), ctypes.get_errno(), flush=True)  # MNT_DETACH: uncover the host's
        for name in (sys.argv[1], "/proc/self/root" + sys.argv[1]):
            try:
                fd = os.open(name, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
                print("other-open ok", flush=True)
                print("other-read", os.read(fd, 100).decode().strip(), flush=True)
            except OSError as e:
                print("other-open errno", e.errno, flush=True)
        try:
            m, s = os.openpty()
            os.write(m, b"through-new-pty\n")
            print("newpty read", os.read(s, 100).decode().strip(), flush=True)
        except OSError as e:
            print("newpty errno", e.errno, flush=True)
        """;

    /// <summary>
    /// The default /dev/pts grant let a same-uid command open the user's other terminals by name and read their keystrokes
    /// (on main, every containment). In the pidns containment the command sees a private devpts instance (the other
    /// terminal does not exist there) and a new pty works; without a mount namespace the grant is narrowed to the terminals
    /// on fds 0-2 (none here): Landlock refuses the other terminal, and new ptys cannot be opened (stated in -v).
    /// </summary>
    [Theory]
    [MemberData(nameof(EveryContainment))]
    public async Task Run_AnotherTerminalOfTheUser_CannotBeOpenedByName(TestUser user, string containment)
    {
        using NonoSandbox sb = await SandboxInAsync(user, containment);

        ProcessResult r = await ProcessRunner.RunAsync(NonoSandbox.Python,
            ["-c", OtherTerminal, containment == "pidns" ? "umount" : "-", NonoExecutable.Path, "run", "-v", .. SandboxSystemPaths.CliFlags, .. PtyGrants, "--", NonoSandbox.Python, "-c", PtyAttempts],
            user, sb.Environment, sb.Home.Path, cancellationToken: TestContext.Current.CancellationToken);

        string output = r.StandardOutput;
        string inside = output[..output.IndexOf("outside:", StringComparison.Ordinal)];
        string outside = output[output.IndexOf("outside:", StringComparison.Ordinal)..];
        Assert.Contains("exit 0", inside);
        Assert.Contains("other-open ok", outside);
        Assert.Contains("other-read keystroke-", outside);
        Assert.DoesNotContain("other-open ok", inside);
        if (containment == "pidns")
        {
            Assert.Contains("umount -1 1", inside); // EPERM: Landlock and seccomp
            Assert.Contains("other-open errno 2", inside); // not in the private devpts instance
            Assert.Contains("newpty read through-new-pty", inside);
            Assert.Contains("terminals scoped by a private devpts instance", inside);
        }
        else
        {
            Assert.Contains("other-open errno 13", inside); // Landlock: the grant is narrowed to the command's terminals
            Assert.Contains("newpty errno 13", inside);
            Assert.Contains("narrowed to nothing (no terminal on stdin, stdout or stderr)", inside);
        }
    }

    /// <summary>Containments without a mount namespace, with a grant broader than /dev/pts.</summary>
    public static TheoryData<TestUser, string, string> BroaderGrantContainments => new()
    {
        { TestUser.Current, "direct-child", "/dev" },
        { TestUser.Nobody, "direct-child", "/dev" },
        { TestUser.Current, "cgroup", "/dev" },
        { TestUser.Nobody, "direct-child", "/" },
    };

    /// <summary>
    /// A grant of /dev or / reached /dev/pts whole in the containments without a mount namespace (the user's other
    /// terminals, by name). It is now carved around /dev/pts (which is narrowed to the terminals on fds 0-2: none here) and
    /// /dev/ptmx (new ptys could not be used there, and making them could exhaust the host's); the rest of /dev still works.
    /// </summary>
    [Theory]
    [MemberData(nameof(BroaderGrantContainments))]
    public async Task Run_BroaderGrantThanDevPts_AnotherTerminalStaysOutOfReach(TestUser user, string containment, string broader)
    {
        using NonoSandbox sb = await SandboxInAsync(user, containment);

        ProcessResult r = await ProcessRunner.RunAsync(NonoSandbox.Python,
            ["-c", OtherTerminal, "-", NonoExecutable.Path, "run", "-v", .. SandboxSystemPaths.CliFlags, "--allow", broader, "--", NonoSandbox.Python, "-c", PtyAttempts],
            user, sb.Environment, sb.Home.Path, cancellationToken: TestContext.Current.CancellationToken);
        ProcessResult devices = await sb.SandboxedAsync("run", ["--allow", broader], "/bin/sh", "-c", "echo x > /dev/null && head -c 4 /dev/zero | wc -c");

        string output = r.StandardOutput;
        string inside = output[..output.IndexOf("outside:", StringComparison.Ordinal)];
        string outside = output[output.IndexOf("outside:", StringComparison.Ordinal)..];
        Assert.Contains("exit 0", inside);
        Assert.Contains("other-read keystroke-", outside);
        Assert.DoesNotContain("other-open ok", inside);
        Assert.Contains("other-open errno 13", inside); // Landlock: carved out of the broader grant
        Assert.Contains("newpty errno 13", inside); // /dev/ptmx carved out too
        Assert.Contains("narrowed to nothing (no terminal on stdin, stdout or stderr) under /dev/pts", inside); // / is carved for the state directory first
        Assert.True(devices.ExitCode == 0, $"exit {devices.ExitCode}: {devices.StandardError}");
        Assert.Equal("4", devices.StandardOutput.Trim());
    }

    /// <summary>
    /// A terminal on fds 0-2 keeps working in every containment: reads its size, writes through /dev/tty, and reopens it by
    /// name (/proc/self/fd/0, checked by Landlock on the terminal's path). In the pidns containment a new pty works too.
    /// </summary>
    [Theory]
    [MemberData(nameof(EveryContainment))]
    public async Task Run_OnATerminal_TheTerminalKeepsWorkingInEveryContainment(TestUser user, string containment)
    {
        using NonoSandbox sb = await SandboxInAsync(user, containment);
        const string UseTerminal = """
            import fcntl, os, pty, termios
            fcntl.ioctl(0, termios.TIOCGWINSZ, b"\0" * 8)
            print("winsize ok", flush=True)
            tty = os.open("/dev/tty", os.O_RDWR)
            os.write(tty, b"via-dev-tty\n")
            again = os.open("/proc/self/fd/0", os.O_RDWR)
            os.write(again, b"via-reopen\n")
            try:
                m, s = os.openpty()
                os.write(m, b"through-new-pty\n")
                print("newpty read", os.read(s, 100).decode().strip(), flush=True)
            except OSError as e:
                print("newpty errno", e.errno, flush=True)
            """;

        ProcessResult r = await OnPtyAsync(sb, ["-v", .. PtyGrants, "--allow-file", "/dev/tty"], NonoSandbox.Python, "-c", UseTerminal);

        string output = r.StandardOutput;
        Assert.True(output.Contains("pty-exit 0"), output);
        Assert.Contains("winsize ok", output);
        Assert.Contains("via-dev-tty", output);
        Assert.Contains("via-reopen", output);
        Assert.Contains(containment == "pidns" ? "newpty read through-new-pty" : "newpty errno 13", output);
        if (containment != "pidns")
        {
            Assert.Contains("narrowed to the terminal on stdin, stdout or stderr (/dev/pts/", output);
        }
    }

    /// <summary>A sandbox whose runs use <paramref name="containment"/>; the test is skipped where the host cannot set it up.</summary>
    private static async Task<NonoSandbox> SandboxInAsync(TestUser user, string containment)
    {
        NonoSandbox sb = new(user);
        sb.Environment["NONO_CONTAINMENT"] = containment;
        ProcessResult probe = await sb.SandboxedAsync("run", [], "/bin/true");
        if (probe.ExitCode != 0 && probe.StandardError.Contains("containment"))
        {
            sb.Dispose();
            Assert.Skip($"{containment} is not available here: {probe.StandardError}");
        }

        return sb;
    }
}
