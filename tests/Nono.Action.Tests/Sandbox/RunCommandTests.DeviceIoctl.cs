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
    /// A device node (a copy of /dev/null, 1:3) inside a writable grant outside /dev: Landlock ABI 5 refuses its ioctls,
    /// ABI 4 cannot, so ABI 4 refuses to run without <c>unrestricted-dev-ioctl</c>, naming the node and the grant, and
    /// runs with it (reported; the ioctl then reaches the driver). On ABI 5 no opt-in is needed and the ioctl fails with
    /// EACCES. Both ABIs: a new pty's ioctls (what terminals need) and /dev/null's work, and a device opened with access
    /// mode 3 outside every grant gives no ioctl (ABI 4: seccomp refuses the open; ABI 5: Landlock the ioctl).
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_DeviceNodeInsideWritableGrant_NeedsOptInBelowAbi5AndIsRefusedOnAbi5(TestUser user)
    {
        Assert.SkipUnless(ProcessRunner.IsRoot, "mknod needs root");
        using NonoSandbox sb = new(user);
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

        string[] grants = ["--allow", work, "--allow-file", "/dev/ptmx", "--allow", "/dev/pts"];
        string[] probe = [NonoSandbox.Python, "-c", DeviceIoctlProbe, $"{inside}:r", "/dev/null:r", $"{outside}:3", "pty"];

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
        Assert.Contains("pty ok ok ok", weaker.StandardOutput);

        Assert.True(abi5.ExitCode == 0, $"exit {abi5.ExitCode}: {abi5.StandardError}");
        Assert.DoesNotContain("weaker mode", abi5.StandardError);
        Assert.Contains($"{inside}:r open ok TCGETS EACCES", abi5.StandardOutput);
        Assert.Contains($"{outside}:3 open ok TCGETS EACCES", abi5.StandardOutput);
        Assert.Contains("/dev/null:r open ok TCGETS ENOTTY", abi5.StandardOutput);
        Assert.Contains("pty ok ok ok", abi5.StandardOutput);
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
}
