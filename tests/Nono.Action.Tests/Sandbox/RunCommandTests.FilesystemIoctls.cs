using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

public sealed partial class RunCommandTests
{
    /// <summary>
    /// Opens each directory read-only and issues the raw ioctl numbers on it with a zeroed 4096-byte buffer: btrfs
    /// SNAP_CREATE, SNAP_CREATE_V2, SUBVOL_CREATE, SUBVOL_CREATE_V2, SUBVOL_SETFLAGS, SNAP_DESTROY, SNAP_DESTROY_V2,
    /// SET_RECEIVED_SUBVOL (and _32), EXT4_IOC_SETVERSION (and 32), FS_IOC_SET_ENCRYPTION_POLICY. Prints
    /// "name 0xREQUEST ok" or the errno name.
    /// </summary>
    private const string FilesystemIoctlProbe = """
        import errno, fcntl, os, sys
        requests = [0x50009401, 0x50009417, 0x5000940e, 0x50009418, 0x4008941a, 0x5000940f, 0x5000943f,
                    0xc0c89425, 0xc0c09425, 0x40086604, 0x40046604, 0x800c6613]
        for path in sys.argv[1:]:
            fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
            for request in requests:
                try:
                    fcntl.ioctl(fd, request, bytearray(4096)); result = "ok"
                except OSError as e:
                    result = errno.errorcode[e.errno]
                print(os.path.basename(path), hex(request), result)
            os.close(fd)
        """;

    /// <summary>
    /// Review of s13-userns (must-fix): btrfs creates and destroys subvolumes and snapshots from a read-only directory
    /// descriptor with no Landlock hook, so a snapshot could land in a directory granted read-only; ext4's SETVERSION
    /// and fscrypt's SET_ENCRYPTION_POLICY change files the same way. There is no btrfs here: outside the sandbox the same
    /// raw numbers on an ext4/tmpfs directory reach the filesystem (ENOTTY, EOPNOTSUPP, or ext4's SETVERSION succeeding),
    /// inside every containment and wrap seccomp answers EPERM before the filesystem sees them, in a writable grant and
    /// in a read-only one.
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current, "run", "pidns")]
    [InlineData(TestUser.Nobody, "run", "pidns")]
    [InlineData(TestUser.Current, "run", "cgroup")]
    [InlineData(TestUser.Current, "run", "direct-child")]
    [InlineData(TestUser.Nobody, "run", "direct-child")]
    [InlineData(TestUser.Current, "wrap", "direct-child")]
    [InlineData(TestUser.Nobody, "wrap", "direct-child")]
    public async Task Run_FilesystemIoctlsWithoutLandlockHook_RefusedBySeccomp(TestUser user, string verb, string containment)
    {
        Assert.SkipUnless(containment != "cgroup" || ProcessRunner.IsRoot, "the cgroup containment needs a writable cgroup (root)");
        using NonoSandbox sb = new(user);
        sb.Environment["NONO_CONTAINMENT"] = containment;
        (string work, _, _) = await MetadataFilesAsync(sb, user);
        string[] directories = [work, sb.Outside.Path];

        ProcessResult host = await ProcessRunner.RunAsync(NonoSandbox.Python, ["-c", FilesystemIoctlProbe, .. directories], user, sb.Environment,
            cancellationToken: TestContext.Current.CancellationToken);
        ProcessResult run = await sb.SandboxedAsync(verb, ["--allow", work, "--read", sb.Outside.Path], [NonoSandbox.Python, "-c", FilesystemIoctlProbe, .. directories]);

        Assert.True(host.ExitCode == 0, $"exit {host.ExitCode}: {host.StandardError}");
        string[] hostLines = Lines(host.StandardOutput);
        Assert.Equal(24, hostLines.Length);
        Assert.All(hostLines, line => Assert.DoesNotContain("EPERM", line, StringComparison.Ordinal)); // the filesystem answers
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.StandardError}");
        string[] sandboxed = Lines(run.StandardOutput);
        Assert.Equal(24, sandboxed.Length);
        Assert.All(sandboxed, line => Assert.EndsWith(" EPERM", line, StringComparison.Ordinal));
    }
}
