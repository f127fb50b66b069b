using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

public sealed partial class RunCommandTests
{
    /// <summary>
    /// An outer sandbox as nono's own filter behaves for this purpose: clone and unshare with CLONE_NEWUSER fail with EPERM,
    /// everything else passes; then execs argv[1:]. (A real nested nono run needs main's fix for "open /" in nested runs.)
    /// </summary>
    private const string OuterUserNamespaceRefusal = """
        import ctypes, os, platform, struct, sys
        clone, unshare = (220, 97) if platform.machine() == "aarch64" else (56, 272)
        def ins(code, jt, jf, k): return struct.pack("HBBI", code, jt, jf, k)
        prog = b"".join([
            ins(0x20, 0, 0, 0),                 # ld nr
            ins(0x15, 2, 0, clone),             # jeq clone -> check
            ins(0x15, 1, 0, unshare),           # jeq unshare -> check
            ins(0x06, 0, 0, 0x7fff0000),        # ret ALLOW
            ins(0x20, 0, 0, 16),                # ld args[0] low word
            ins(0x45, 0, 1, 0x10000000),        # jset CLONE_NEWUSER
            ins(0x06, 0, 0, 0x00050001),        # ret ERRNO(EPERM)
            ins(0x06, 0, 0, 0x7fff0000),        # ret ALLOW
        ])
        buf = ctypes.create_string_buffer(prog)
        class Fprog(ctypes.Structure): _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]
        fp = Fprog(len(prog) // 8, ctypes.addressof(buf))
        libc = ctypes.CDLL(None, use_errno=True)
        assert libc.prctl(38, 1, 0, 0, 0) == 0                       # PR_SET_NO_NEW_PRIVS
        assert libc.prctl(22, 2, ctypes.byref(fp), 0, 0) == 0, ctypes.get_errno()  # PR_SET_SECCOMP, SECCOMP_MODE_FILTER
        os.execv(sys.argv[1], sys.argv[1:])
        """;

    /// <summary>
    /// Review of s13-userns: a nested <c>nono run</c> forced to pidns, unprivileged, failed with a bare "clone(...) failed:
    /// Operation not permitted". Under an outer seccomp filter that refuses user namespaces it now says so and names the
    /// opt-in; without it the same run gets its PID namespace.
    /// </summary>
    [Fact]
    public async Task Run_PidnsRefusedByAnOuterSandbox_SaysSoAndNamesTheOptIn()
    {
        using NonoSandbox sb = new(TestUser.Nobody);
        sb.Environment["NONO_CONTAINMENT"] = "pidns";
        string[] nono = [NonoExecutable.Path, "run", .. SandboxSystemPaths.CliFlags, "--", "/bin/true"];

        ProcessResult nested = await ProcessRunner.RunAsync(NonoSandbox.Python, ["-c", OuterUserNamespaceRefusal, .. nono], sb.User, sb.Environment, sb.Home.Path,
            cancellationToken: TestContext.Current.CancellationToken);
        ProcessResult plain = await ProcessRunner.RunAsync(nono[0], nono[1..], sb.User, sb.Environment, sb.Home.Path,
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.NotEqual(0, nested.ExitCode);
        Assert.Contains("NONO_CONTAINMENT=pidns, but it is not available: clone(", nested.StandardError, StringComparison.Ordinal);
        Assert.Contains("an outer sandbox refuses user namespaces", nested.StandardError, StringComparison.Ordinal);
        Assert.Contains("--allow-weaker nested-user-namespaces", nested.StandardError, StringComparison.Ordinal);
        Assert.True(plain.ExitCode == 0, plain.StandardError);
        Assert.DoesNotContain("outer sandbox", plain.StandardError, StringComparison.Ordinal);
    }
}
