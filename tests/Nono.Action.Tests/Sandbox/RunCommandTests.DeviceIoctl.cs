using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

public sealed partial class RunCommandTests
{
    /// <summary>
    /// Opens each "path:mode" (mode r, rw or 3: access mode 3, ioctl only) and prints the open's result and then TCGETS's
    /// (ENOTTY: the request reached a driver without terminal ioctls; EACCES: Landlock refused it). "pty" opens a new pty
    /// through /dev/ptmx and prints TIOCGPTN, unlock and TCGETS/TIOCGWINSZ on its other end.
    /// </summary>
    private const string DeviceIoctlProbe = """
        import os, sys, fcntl, errno, struct
        def ioctl(fd, req, arg=bytes(64)):
            try:
                fcntl.ioctl(fd, req, arg); return "ok"
            except OSError as e:
                return errno.errorcode[e.errno]
        for a in sys.argv[1:]:
            if a == "pty":
                m = os.open("/dev/ptmx", os.O_RDWR | os.O_NOCTTY)
                n = struct.unpack("i", fcntl.ioctl(m, 0x80045430, bytes(4)))[0]
                unlock = ioctl(m, 0x40045431, struct.pack("i", 0))
                s = os.open("/dev/pts/%d" % n, os.O_RDWR | os.O_NOCTTY)
                print("pty", unlock, ioctl(s, 0x5401), ioctl(s, 0x5413)); continue
            path, mode = a.rsplit(":", 1)
            try:
                fd = os.open(path, {"r": os.O_RDONLY, "rw": os.O_RDWR, "3": 3}[mode] | os.O_NOCTTY)
            except OSError as e:
                print(a, "open", errno.errorcode[e.errno]); continue
            print(a, "open ok TCGETS", ioctl(fd, 0x5401))
        """;

    /// <summary>
    /// In the direct-child containment (no mount namespace, so no nodev: see the pidns case in RunCommandTests.Nodev.cs),
    /// a device node (a copy of /dev/null, 1:3) inside a writable grant outside /dev: Landlock ABI 5 refuses its ioctls,
    /// ABI 4 cannot, so ABI 4 refuses to run without <c>unrestricted-dev-ioctl</c>, naming the node and the grant, and
    /// runs with it (reported; the ioctl then reaches the driver). On ABI 5 no opt-in is needed and the ioctl fails with
    /// EACCES. Both ABIs: /dev/null's ioctls work, and a device opened with access mode 3 outside every grant is refused
    /// by seccomp (every ABI).
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_DeviceNodeInsideWritableGrant_NeedsOptInBelowAbi5AndIsRefusedOnAbi5(TestUser user)
    {
        Assert.SkipUnless(ProcessRunner.IsRoot, "mknod needs root");
        using NonoSandbox sb = await SandboxInAsync(user, "direct-child");
        string work = Path.Combine(sb.Home.Path, "work");
        Directory.CreateDirectory(Path.Combine(work, "rootfs", "dev"));
        string inside = Path.Combine(work, "rootfs", "dev", "null");
        string outside = Path.Combine(sb.Outside.Path, "null");
        foreach (string node in new[] { inside, outside })
        {
            ProcessResult made = await ProcessRunner.RunAsync("mknod", ["-m", "666", node, "c", "1", "3"], cancellationToken: TestContext.Current.CancellationToken);
            Assert.True(made.ExitCode == 0, made.StandardError);
        }

        if (user == TestUser.Nobody)
        {
            await ProcessRunner.RunAsync("chown", ["-R", $"{ProcessRunner.NobodyId}:{ProcessRunner.NobodyId}", work], cancellationToken: TestContext.Current.CancellationToken);
        }

        string[] grants = ["--allow-weaker", "unscoped-signals", "--allow", work];
        string[] probe = [NonoSandbox.Python, "-c", DeviceIoctlProbe, $"{inside}:r", "/dev/null:r", $"{outside}:3"];

        ProcessResult refused = await sb.SandboxedAsync("run", ["--landlock-abi", "4", .. grants], "/bin/true");
        ProcessResult weaker = await sb.SandboxedAsync("run", ["--landlock-abi", "4", "--allow-weaker", "unrestricted-dev-ioctl", .. grants], probe);
        ProcessResult abi5 = await sb.SandboxedAsync("run", ["--landlock-abi", "5", .. grants], probe);

        Assert.Equal(1, refused.ExitCode);
        string line = Assert.Single(refused.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Contains("ioctl"));
        Assert.Equal($"nono: Landlock ABI 4 cannot restrict ioctl on the device node {inside} in the grant {work} [--allow] (needs ABI 5); refusing to run (opt in with --allow-weaker unrestricted-dev-ioctl)", line);

        Assert.True(weaker.ExitCode == 0, $"exit {weaker.ExitCode}: {weaker.StandardError}");
        Assert.Contains("weaker mode in force: unrestricted-dev-ioctl", weaker.StandardError);
        Assert.Contains($"{inside}:r open ok TCGETS ENOTTY", weaker.StandardOutput); // the weakness is real: the driver answered
        Assert.Contains($"{outside}:3 open EACCES", weaker.StandardOutput); // seccomp: no ioctl-only open outside the grants
        Assert.Contains("/dev/null:r open ok TCGETS ENOTTY", weaker.StandardOutput);

        Assert.True(abi5.ExitCode == 0, $"exit {abi5.ExitCode}: {abi5.StandardError}");
        Assert.DoesNotContain("weaker mode in force: unrestricted-dev-ioctl", abi5.StandardError);
        Assert.Contains($"{inside}:r open ok TCGETS EACCES", abi5.StandardOutput);
        Assert.Contains($"{outside}:3 open EACCES", abi5.StandardOutput);
        Assert.Contains("/dev/null:r open ok TCGETS ENOTTY", abi5.StandardOutput);
    }

    /// <summary>
    /// Grants that reach no device outside /dev (the default profile's shape: system reads, a writable work directory,
    /// /dev/null, /dev/ptmx and /dev/pts) need no opt-in on ABI 4, and a device outside every grant opened for ioctl
    /// only is refused there (the access-mode-3 open Landlock does not check).
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_Abi4WithOnlyDevGrants_NeedsNoOptInAndRefusesIoctlOnlyOpens(TestUser user)
    {
        using NonoSandbox sb = new(user);
        string work = Path.Combine(sb.Home.Path, "work");
        Directory.CreateDirectory(work);
        if (user == TestUser.Nobody)
        {
            await ProcessRunner.RunAsync("chown", [$"{ProcessRunner.NobodyId}:{ProcessRunner.NobodyId}", work], cancellationToken: TestContext.Current.CancellationToken);
        }

        ProcessResult run = await sb.SandboxedAsync("run", ["--landlock-abi", "4", "--allow", work, "--allow-file", "/dev/ptmx", "--allow", "/dev/pts"],
            NonoSandbox.Python, "-c", DeviceIoctlProbe, "/dev/ptmx:3", "/dev/null:3", "/dev/null:rw", "pty");

        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.StandardError}");
        Assert.DoesNotContain("weaker mode", run.StandardError);
        Assert.Contains("/dev/ptmx:3 open EACCES", run.StandardOutput);
        Assert.Contains("/dev/null:3 open EACCES", run.StandardOutput);
        Assert.Contains("/dev/null:rw open ok TCGETS ENOTTY", run.StandardOutput);
        Assert.Contains("pty ok ok ok", run.StandardOutput);
    }

    /// <summary>
    /// Access mode 3 also opens regular files Landlock never granted (it checks no right for such an open, and no
    /// regular-file ioctl at any ABI: FS_IOC_SETFLAGS and the like). Seccomp refuses those opens at every ABI; a granted
    /// file still opens for reading, and everyday tools (ls, git, python, node, a program on a new pty) still work.
    /// Outside nono the same user opens the file with mode 3 (so the test can fail).
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current, 4)]
    [InlineData(TestUser.Nobody, 4)]
    [InlineData(TestUser.Current, 5)]
    [InlineData(TestUser.Nobody, 5)]
    [InlineData(TestUser.Current, 0)]
    [InlineData(TestUser.Nobody, 0)]
    public async Task Run_IoctlOnlyOpenOfAnUngrantedRegularFile_IsRefusedAtEveryAbi(TestUser user, int abi)
    {
        using NonoSandbox sb = new(user);
        string work = Path.Combine(sb.Home.Path, "work");
        Directory.CreateDirectory(work);
        string secret = Path.Combine(sb.Outside.Path, "secret");
        string granted = Path.Combine(work, "granted");
        await File.WriteAllTextAsync(secret, "x", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(granted, "y", TestContext.Current.CancellationToken);
        await ProcessRunner.RunAsync("git", ["init", "-q", work], cancellationToken: TestContext.Current.CancellationToken);
        if (user == TestUser.Nobody)
        {
            await ProcessRunner.RunAsync("chown", ["-R", $"{ProcessRunner.NobodyId}:{ProcessRunner.NobodyId}", work, secret], cancellationToken: TestContext.Current.CancellationToken);
        }

        string[] abiOption = abi == 0 ? [] : ["--landlock-abi", $"{abi}"];
        string[] grants = [.. abiOption, "--allow", work, "--allow-file", "/dev/ptmx", "--allow", "/dev/pts"];
        const string Tools = "ls -la . >/dev/null && echo ls-ok; git -c safe.directory='*' status --short >/dev/null && echo git-ok; "
            + "python3 -c 'print(\"python-ok\")'; if command -v node >/dev/null; then node -e 'console.log(\"node-ok\")'; else echo node-ok; fi; "
            + "script -qec 'echo pty-ok' /dev/null";
        string[] probe = ["-c", DeviceIoctlProbe, $"{secret}:3", $"{granted}:r"];
        ProcessResult outside = await ProcessRunner.RunAsync(NonoSandbox.Python, probe, user, sb.Environment, sb.Home.Path, cancellationToken: TestContext.Current.CancellationToken);
        ProcessResult run = await sb.SandboxedAsync("run", grants, [NonoSandbox.Python, .. probe]);
        ProcessResult tools = await sb.SandboxedAsync("run", ["--workdir", work, .. grants], "/bin/sh", "-c", Tools);

        Assert.Contains($"{secret}:3 open ok", outside.StandardOutput);
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.StandardError}");
        Assert.Contains($"{secret}:3 open EACCES", run.StandardOutput);
        Assert.Contains($"{granted}:r open ok TCGETS ENOTTY", run.StandardOutput);
        Assert.True(tools.ExitCode == 0, $"exit {tools.ExitCode}: {tools.StandardOutput} {tools.StandardError}");
        Assert.Equal(["ls-ok", "git-ok", "python-ok", "node-ok", "pty-ok"], tools.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
