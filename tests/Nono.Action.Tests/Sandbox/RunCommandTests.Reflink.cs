using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

public sealed partial class RunCommandTests
{
    /// <summary>
    /// Arguments: source file, destination file, directory. Issues FICLONE, FICLONERANGE and FIDEDUPERANGE between the two
    /// files (the destination opened for writing) and btrfs SNAP_CREATE on the directory; prints "name ok" or the errno name.
    /// </summary>
    private const string CloneIoctlProbe = """
        import errno, fcntl, os, struct, sys
        src, dst, directory = sys.argv[1:4]
        s = os.open(src, os.O_RDONLY)
        t = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        d = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        for name, fd, request, arg in [
                ("FICLONE", t, 0x40049409, s),
                ("FICLONERANGE", t, 0x4020940d, struct.pack("qQQQ", s, 0, 0, 0)),
                ("FIDEDUPERANGE", s, 0xc0189436, bytearray(struct.pack("QQHHI", 0, 0, 0, 0, 0))),
                ("SNAP_CREATE", d, 0x50009401, bytearray(4096))]:
            try:
                fcntl.ioctl(fd, request, arg); result = "ok"
            except OSError as e:
                result = errno.errorcode[e.errno]
            print(name, result)
        """;

    /// <summary>
    /// The clone ioctls the seccomp filter leaves open on purpose (their destination needs a write open, which Landlock
    /// checks) reach the filesystem in a writable grant and answer exactly as outside the sandbox (ext4 and tmpfs have no
    /// reflink: EOPNOTSUPP; a reflink filesystem: ok), and <c>cp --reflink=auto</c> makes the copy; btrfs SNAP_CREATE stays
    /// refused by seccomp (EPERM) in the same run.
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current, "pidns")]
    [InlineData(TestUser.Nobody, "pidns")]
    [InlineData(TestUser.Current, "direct-child")]
    [InlineData(TestUser.Nobody, "direct-child")]
    public async Task Run_CloneIoctlsInAWritableGrant_ReachTheFilesystem(TestUser user, string containment)
    {
        using NonoSandbox sb = await SandboxInAsync(user, containment);
        string work = sb.Home.Combine("work");
        Directory.CreateDirectory(work);
        string source = Path.Combine(work, "source");
        string content = Guid.NewGuid().ToString("N");
        File.WriteAllText(source, content);
        await LinkAndChown(sb);

        ProcessResult host = await ProcessRunner.RunAsync(NonoSandbox.Python, ["-c", CloneIoctlProbe, source, Path.Combine(work, "host-clone"), work], user, sb.Environment,
            cancellationToken: TestContext.Current.CancellationToken);
        ProcessResult run = await sb.SandboxedAsync("run", ["--allow", work], "/bin/sh", "-c",
            $"{NonoSandbox.Python} -c '{CloneIoctlProbe}' {source} {Path.Combine(work, "clone")} {work} && cp --reflink=auto {source} {Path.Combine(work, "copy")} && echo cp-ok");

        Assert.True(host.ExitCode == 0, host.ToString());
        string[] hostLines = Lines(host.StandardOutput);
        Assert.Equal(4, hostLines.Length);
        Assert.DoesNotContain("EPERM", host.StandardOutput, StringComparison.Ordinal);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal([.. hostLines[..3], "SNAP_CREATE EPERM", "cp-ok"], Lines(run.StandardOutput));
        Assert.Equal(content, File.ReadAllText(Path.Combine(work, "copy")));
    }
}
