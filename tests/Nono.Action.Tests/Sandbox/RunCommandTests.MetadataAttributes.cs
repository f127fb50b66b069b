using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

public sealed partial class RunCommandTests
{
    /// <summary>
    /// Tries each "op:path" and prints "op name ok" or the errno name: setflags (FS_IOC_SETFLAGS adding FS_NODUMP_FL, as
    /// chattr +d does), fsxattr (FS_IOC_FSSETXATTR adding FS_XFLAG_NODUMP), file_setattr (the 6.17 syscall); then an
    /// ordinary ioctl (FIONREAD on a pipe), which must not reach the supervisor.
    /// </summary>
    private const string AttributeProbe = """
        import ctypes, errno, fcntl, os, struct, sys, termios
        libc = ctypes.CDLL(None, use_errno=True)
        def setflags(fd):
            buf = bytearray(4); fcntl.ioctl(fd, 0x80086601, buf)
            fcntl.ioctl(fd, 0x40086602, struct.pack("i", struct.unpack("i", buf)[0] | 0x40))
        def fsxattr(fd):
            buf = bytearray(28); fcntl.ioctl(fd, 0x801c581f, buf)
            fcntl.ioctl(fd, 0x401c5820, struct.pack("I", struct.unpack_from("I", buf)[0] | 0x80) + bytes(buf[4:]))
        def file_setattr(path):
            attr = struct.pack("QIIII", 0x80, 0, 0, 0, 0)  # struct file_attr: fa_xflags FS_XFLAG_NODUMP
            if libc.syscall(469, -100, path.encode(), attr, ctypes.c_size_t(len(attr)), 0) != 0:
                e = ctypes.get_errno(); raise OSError(e, os.strerror(e))
        for a in sys.argv[1:]:
            op, path = a.split(":")
            try:
                if op == "file_setattr": file_setattr(path)
                else:
                    fd = os.open(path, os.O_RDONLY)
                    try: (setflags if op == "setflags" else fsxattr)(fd)
                    finally: os.close(fd)
                print(op, os.path.basename(path), "ok")
            except OSError as e:
                print(op, os.path.basename(path), errno.errorcode[e.errno])
        r, w = os.pipe(); os.write(w, b"abc"); buf = bytearray(4); fcntl.ioctl(r, termios.FIONREAD, buf)
        print("fionread", struct.unpack("i", buf)[0])
        """;

    /// <summary>Prints a path's inode flags (FS_IOC_GETFLAGS).</summary>
    private const string GetFlags = "import fcntl, os, struct, sys\nbuf = bytearray(4); fcntl.ioctl(os.open(sys.argv[1], os.O_RDONLY), 0x80086601, buf); print(struct.unpack('i', buf)[0])";

    /// <summary>
    /// Review of session 12 (should-fix): the attribute ioctls (chattr's FS_IOC_SETFLAGS, FS_IOC_FSSETXATTR) changed
    /// files outside the writable grants in the cgroup and direct-child containments (Landlock has no right for them).
    /// nono now performs them inside the grants (a file and a directory: flags set) and refuses them outside (EPERM,
    /// recorded, flags unchanged); file_setattr gets ENOSYS (callers fall back to the ioctl); other ioctls pass untouched.
    /// </summary>
    [Theory]
    [MemberData(nameof(MetadataContainments))]
    public async Task Run_AttributeIoctls_RefusedOutsideTheWritableGrants_WorkInside(TestUser user, string containment)
    {
        Assert.SkipUnless(containment != "cgroup" || ProcessRunner.IsRoot, "the cgroup containment needs a writable cgroup (root)");
        using NonoSandbox sb = new(user);
        sb.Environment["NONO_CONTAINMENT"] = containment;
        (string work, string inside, string outside) = await MetadataFilesAsync(sb, user, "dir");
        string dir = Path.Combine(work, "dir");
        string outsideFlags = await FlagsAsync(outside);
        ProcessResult run = await sb.SandboxedAsync("run", ["--allow", work, "--read", sb.Outside.Path], NonoSandbox.Python, "-c", AttributeProbe,
            $"setflags:{outside}", $"fsxattr:{outside}", $"file_setattr:{outside}", $"setflags:{inside}", $"fsxattr:{inside}", $"setflags:{dir}");

        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.StandardError}");
        Assert.Equal(
            ["setflags victim EPERM", "fsxattr victim EPERM", "file_setattr victim ENOSYS", "setflags inside ok", "fsxattr inside ok", "setflags dir ok", "fionread 3"],
            run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(outsideFlags, await FlagsAsync(outside));
        Assert.True((int.Parse(await FlagsAsync(inside)) & 0x40) != 0, "FS_NODUMP_FL not set inside the grant");
        Assert.True((int.Parse(await FlagsAsync(dir)) & 0x40) != 0, "FS_NODUMP_FL not set on the directory inside the grant");
        string events = SessionEvents(sb, run);
        Assert.Contains($"\"path\":\"{outside}\",\"access\":\"metadata\"", events, StringComparison.Ordinal);
        Assert.Contains("ioctl: attribute change outside the writable grants", events, StringComparison.Ordinal);
    }

    /// <summary>
    /// FS_IOC_SETFLAGS, FS_IOC_FSSETXATTR and FS_IOC_SETVERSION on a pipe, a socket and an O_PATH descriptor of the file
    /// named in argv[1]: prints "object request errno".
    /// </summary>
    private const string NonFileAttributeProbe = """
        import errno, fcntl, os, socket, sys
        r, w = os.pipe(); a, b = socket.socketpair()
        for name, fd in [("pipe", r), ("socket", a.fileno()), ("opath", os.open(sys.argv[1], os.O_PATH))]:
            for request in [0x40086602, 0x401c5820, 0x40087602]:
                try:
                    fcntl.ioctl(fd, request, bytearray(28)); result = "ok"
                except OSError as e:
                    result = errno.errorcode[e.errno]
                print(name, hex(request), result)
        """;

    /// <summary>
    /// Review of s13-userns: the grant check ran before the file-type check, so an attribute ioctl on a pipe or socket
    /// answered EPERM and recorded a denial for <c>pipe:[...]</c> (audit noise a command could make at will), and an
    /// O_PATH descriptor answered EPERM too. nono now answers as the kernel does outside the sandbox (ENOTTY, EBADF) and
    /// records nothing, while the same request on a file outside the grants is still refused and recorded.
    /// </summary>
    [Theory]
    [MemberData(nameof(MetadataContainments))]
    public async Task Run_AttributeIoctls_OnNonFiles_AnswerAsTheKernel_RecordNothing(TestUser user, string containment)
    {
        Assert.SkipUnless(containment != "cgroup" || ProcessRunner.IsRoot, "the cgroup containment needs a writable cgroup (root)");
        using NonoSandbox sb = new(user);
        sb.Environment["NONO_CONTAINMENT"] = containment;
        (string work, _, string outside) = await MetadataFilesAsync(sb, user);

        ProcessResult host = await ProcessRunner.RunAsync(NonoSandbox.Python, ["-c", NonFileAttributeProbe, outside], user, sb.Environment,
            cancellationToken: TestContext.Current.CancellationToken);
        ProcessResult run = await sb.SandboxedAsync("run", ["--allow", work, "--read", sb.Outside.Path], NonoSandbox.Python, "-c", NonFileAttributeProbe, outside);

        Assert.True(host.ExitCode == 0, $"exit {host.ExitCode}: {host.StandardError}");
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.StandardError}");
        string[] expected = [.. host.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
        Assert.Equal(9, expected.Length);
        Assert.All(expected, line => Assert.Matches(" (ENOTTY|EBADF)$", line));
        Assert.Equal(expected, run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        string events = SessionEvents(sb, run);
        Assert.DoesNotContain("\"access\":\"metadata\"", events, StringComparison.Ordinal);
        Assert.DoesNotContain("pipe:[", events, StringComparison.Ordinal);
    }

    private static async Task<string> FlagsAsync(string path)
    {
        ProcessResult r = await ProcessRunner.RunAsync(NonoSandbox.Python, ["-c", GetFlags, path], cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(r.ExitCode == 0, r.StandardError);
        return r.StandardOutput.Trim();
    }
}
