using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

public sealed partial class RunCommandTests
{
    /// <summary>Tries to make the mounts of the grants dev-capable again from inside (mount_setattr, a bind remount).</summary>
    private const string NodevEscape = """
        import ctypes, sys
        libc = ctypes.CDLL(None, use_errno=True)
        attr = (ctypes.c_uint64 * 4)(0, 4, 0, 0)  # attr_clr = MOUNT_ATTR_NODEV
        r = libc.syscall(442, -100, sys.argv[1].encode(), 0x8000, attr, 32)
        print("mount_setattr", r, ctypes.get_errno(), flush=True)
        r = libc.mount(sys.argv[1].encode(), sys.argv[1].encode(), None, 0x1000 | 0x20, None)  # MS_BIND | MS_REMOUNT
        print("remount", r, ctypes.get_errno(), flush=True)
        """;

    /// <summary>
    /// In the pidns containment every mount but /dev is nodev: a device node in a writable grant and one in a read-only
    /// grant (where Landlock below ABI 5 would not stop its ioctls, and no scan looks) do not open at all, without any
    /// opt-in on ABI 4; /dev/null and a new pty still work, and the command cannot lift the flag. Outside nono the same
    /// user opens both nodes (so the test can fail).
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current, 4)]
    [InlineData(TestUser.Nobody, 4)]
    [InlineData(TestUser.Current, 5)]
    [InlineData(TestUser.Nobody, 5)]
    public async Task Run_Pidns_DeviceNodesOutsideDevDoNotOpenAndNeedNoOptIn(TestUser user, int abi)
    {
        Assert.SkipUnless(ProcessRunner.IsRoot, "mknod needs root");
        using NonoSandbox sb = await SandboxInAsync(user, "pidns");
        string work = Path.Combine(sb.Home.Path, "work");
        string readOnly = Path.Combine(sb.Home.Path, "ro");
        Directory.CreateDirectory(Path.Combine(work, "rootfs", "dev"));
        Directory.CreateDirectory(readOnly);
        string writableNode = Path.Combine(work, "rootfs", "dev", "null");
        string readOnlyNode = Path.Combine(readOnly, "null");
        foreach (string node in new[] { writableNode, readOnlyNode })
        {
            ProcessResult made = await ProcessRunner.RunAsync("mknod", ["-m", "666", node, "c", "1", "3"], cancellationToken: TestContext.Current.CancellationToken);
            Assert.True(made.ExitCode == 0, made.StandardError);
        }

        if (user == TestUser.Nobody)
        {
            await ProcessRunner.RunAsync("chown", ["-R", $"{ProcessRunner.NobodyId}:{ProcessRunner.NobodyId}", work, readOnly], cancellationToken: TestContext.Current.CancellationToken);
        }

        string[] probe = ["-c", DeviceIoctlProbe, $"{writableNode}:rw", $"{readOnlyNode}:r", "/dev/null:rw", "pty"];
        string[] grants = ["--landlock-abi", $"{abi}", "--allow", work, "--read", readOnly, "--allow-file", "/dev/ptmx", "--allow", "/dev/pts"];
        ProcessResult outside = await ProcessRunner.RunAsync(NonoSandbox.Python, probe, user, sb.Environment, sb.Home.Path, cancellationToken: TestContext.Current.CancellationToken);
        ProcessResult run = await sb.SandboxedAsync("run", grants, [NonoSandbox.Python, .. probe]);
        ProcessResult escape = await sb.SandboxedAsync("run", grants, NonoSandbox.Python, "-c", NodevEscape, work);

        Assert.Contains($"{writableNode}:rw open ok TCGETS ENOTTY", outside.StandardOutput);
        Assert.Contains($"{readOnlyNode}:r open ok TCGETS ENOTTY", outside.StandardOutput);
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.StandardError}");
        Assert.DoesNotContain("weaker mode", run.StandardError);
        Assert.Contains($"{writableNode}:rw open EACCES", run.StandardOutput); // nodev, whatever Landlock grants
        Assert.Contains($"{readOnlyNode}:r open EACCES", run.StandardOutput);
        Assert.Contains("/dev/null:rw open ok TCGETS ENOTTY", run.StandardOutput);
        Assert.Contains("pty ok ok ok", run.StandardOutput); // the private devpts is not nodev
        Assert.True(escape.ExitCode == 0, $"exit {escape.ExitCode}: {escape.StandardError}");
        Assert.Contains("mount_setattr -1 1", escape.StandardOutput); // EPERM: seccomp
        Assert.Contains("remount -1 1", escape.StandardOutput);
    }

    /// <summary>
    /// Rootless container runtimes bind-mount device files into /dev (/dev/null and the like), so they are mounts of their
    /// own below /dev. Such a granted device keeps working in the pidns containment. Here, in a mount namespace made for
    /// the test (the host's /dev is untouched), /dev/full is a bind mount of /dev/null: the write succeeds only if the
    /// sandbox opened it (not nodev) and it is the bind (real /dev/full answers ENOSPC).
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_Pidns_ABindMountedDeviceUnderDevStillOpens(TestUser user)
    {
        Assert.SkipUnless(ProcessRunner.IsRoot, "bind mounts need root");
        using NonoSandbox sb = await SandboxInAsync(user, "pidns");
        string runAs = user == TestUser.Nobody ? $"setpriv --reuid={ProcessRunner.NobodyId} --regid={ProcessRunner.NobodyId} --clear-groups " : "";
        string[] nono = [NonoExecutable.Path, "run", .. SandboxSystemPaths.CliFlags, "--allow-file", "/dev/full", "--", "/bin/sh", "-c", "echo x > /dev/full && echo wrote"];

        ProcessResult r = await ProcessRunner.RunAsync("unshare", ["-m", "--propagation", "private", "/bin/sh", "-c", $"mount --bind /dev/null /dev/full && exec {runAs}\"$@\"", "sh", .. nono],
            TestUser.Current, sb.Environment, sb.Home.Path, cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {r.StandardOutput} {r.StandardError}");
        Assert.Equal("wrote", r.StandardOutput.Trim());
    }

    /// <summary>
    /// Outside the pidns containment the ABI-4 scan of writable grants decides. A directory the user owns but cannot
    /// search hides nothing from the command, which can chmod it open again (Landlock has no right for chmod): it counts
    /// as unchecked, and the run is refused; with the opt-in the command does exactly that and reaches the node's
    /// driver. A directory closed to the user that it does not own is skipped (the legitimate case runs).
    /// </summary>
    [Fact]
    public async Task Run_Abi4Scan_CountsAnUnsearchableDirectoryTheUserOwns()
    {
        Assert.SkipUnless(ProcessRunner.IsRoot, "mknod and chown need root");
        using NonoSandbox sb = await SandboxInAsync(TestUser.Nobody, "direct-child");
        string work = Path.Combine(sb.Home.Path, "work");
        string locked = Path.Combine(work, "locked");
        string closed = Path.Combine(work, "closed");
        Directory.CreateDirectory(locked);
        Directory.CreateDirectory(closed);
        ProcessResult made = await ProcessRunner.RunAsync("mknod", ["-m", "666", Path.Combine(locked, "null"), "c", "1", "3"], cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(made.ExitCode == 0, made.StandardError);
        await ProcessRunner.RunAsync("chown", ["-R", $"{ProcessRunner.NobodyId}:{ProcessRunner.NobodyId}", work], cancellationToken: TestContext.Current.CancellationToken);
        await ProcessRunner.RunAsync("chown", ["root:root", closed], cancellationToken: TestContext.Current.CancellationToken);
        File.SetUnixFileMode(closed, UnixFileMode.None);
        File.SetUnixFileMode(locked, UnixFileMode.None);

        string[] grants = ["--landlock-abi", "4", "--allow-weaker", "unscoped-signals", "--allow", work];
        const string Reopen = "import os, sys; os.chmod(sys.argv[1], 0o700); sys.argv = sys.argv[2:]; exec(sys.argv[0])";
        ProcessResult refused = await sb.SandboxedAsync("run", grants, "/bin/true");
        ProcessResult weaker = await sb.SandboxedAsync("run", [.. grants, "--allow-weaker", "unrestricted-dev-ioctl"],
            NonoSandbox.Python, "-c", Reopen, locked, DeviceIoctlProbe, $"{locked}/null:rw");
        File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.Delete(Path.Combine(locked, "null"));
        ProcessResult clean = await sb.SandboxedAsync("run", grants, "/bin/true");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"cannot restrict ioctl on the device node {locked} (cannot list it: Permission denied) in the grant {work} [--allow]", refused.StandardError);
        Assert.True(weaker.ExitCode == 0, $"exit {weaker.ExitCode}: {weaker.StandardError}");
        Assert.Contains($"{locked}/null:rw open ok TCGETS ENOTTY", weaker.StandardOutput); // the hidden node was reachable
        Assert.True(clean.ExitCode == 0, $"exit {clean.ExitCode}: {clean.StandardError}"); // `closed` is not the user's: skipped
    }
}
