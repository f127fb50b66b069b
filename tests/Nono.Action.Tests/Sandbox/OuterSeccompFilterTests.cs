using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

/// <summary>
/// nono inside an outer sandbox whose seccomp filter refuses openat2, open_tree and move_mount (and allows the mounts and
/// mount_setattr the PID namespace probe made): the probe said the pidns containment works, and every launch with a
/// writable grant then failed (exit 126) when the init bound the grant. The probe now makes those calls too: the tier
/// is not chosen, the run goes ahead in the next one, and a forced pidns is refused up front naming the step.
/// </summary>
public sealed class OuterSeccompFilterTests
{
    /// <summary>argv: the program and its arguments. Installs the outer filter (EPERM for openat2 437, open_tree 428, move_mount 429; one number on every architecture) and execs.</summary>
    private const string OuterFilter = """
        import ctypes, os, struct, sys
        libc = ctypes.CDLL(None, use_errno=True)
        refused = [437, 428, 429]
        prog = struct.pack("HBBI", 0x20, 0, 0, 0)  # ld [nr]
        for i, nr in enumerate(refused):
            prog += struct.pack("HBBI", 0x15, len(refused) - i, 0, nr)  # jeq nr -> errno
        prog += struct.pack("HBBI", 0x06, 0, 0, 0x7fff0000)  # allow
        prog += struct.pack("HBBI", 0x06, 0, 0, 0x00050000 | 1)  # errno EPERM
        buf = ctypes.create_string_buffer(prog)
        class Fprog(ctypes.Structure):
            _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]
        fp = Fprog(len(prog) // 8, ctypes.addressof(buf))
        assert libc.prctl(38, 1, 0, 0, 0) == 0  # PR_SET_NO_NEW_PRIVS
        assert libc.prctl(22, 2, ctypes.byref(fp), 0, 0) == 0, ctypes.get_errno()  # PR_SET_SECCOMP, SECCOMP_MODE_FILTER
        os.execv(sys.argv[1], sys.argv[1:])
        """;

    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_OuterFilterRefusesTheGrantBindCalls_AnotherTierRuns_ForcedPidnsRefusedUpFront(TestUser user)
    {
        using NonoSandbox sb = new(user);
        string work = Directory.CreateDirectory(sb.Home.Combine("work")).FullName;
        if (user == TestUser.Nobody)
        {
            Assert.Equal(0, (await ProcessRunner.RunAsync("chown", [$"{ProcessRunner.NobodyId}:{ProcessRunner.NobodyId}", work], cancellationToken: TestContext.Current.CancellationToken)).ExitCode);
        }

        string marker = Guid.NewGuid().ToString("N");
        string[] run = ["run", "-v", .. SandboxSystemPaths.CliFlags, "--allow", work, "--", "/bin/sh", "-c", $"echo {marker} > {work}/file && cat {work}/file"];

        ProcessResult chosen = await InsideOuterFilter(sb, run);
        sb.Environment["NONO_CONTAINMENT"] = "pidns";
        ProcessResult forced = await InsideOuterFilter(sb, run);

        Assert.True(chosen.ExitCode == 0, chosen.ToString());
        Assert.Contains(marker, chosen.StandardOutput);
        Assert.Contains("nono: process containment: ", chosen.StandardError);
        Assert.DoesNotContain("nono: process containment: pidns", chosen.StandardError);
        Assert.Equal(1, forced.ExitCode);
        Assert.Contains("NONO_CONTAINMENT=pidns, but it is not available: openat2, open_tree and move_mount of a grant onto itself", forced.StandardError);
        Assert.Contains("Operation not permitted (errno 1)", forced.StandardError);
        Assert.DoesNotContain(marker, forced.StandardOutput);
    }

    private static Task<ProcessResult> InsideOuterFilter(NonoSandbox sb, string[] nonoArgs) =>
        ProcessRunner.RunAsync(NonoSandbox.Python, ["-c", OuterFilter, NonoExecutable.Path, .. nonoArgs], sb.User, sb.Environment, sb.WorkingDirectory,
            cancellationToken: TestContext.Current.CancellationToken);
}
