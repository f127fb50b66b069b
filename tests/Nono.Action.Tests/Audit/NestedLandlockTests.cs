using Nono.Action.Tests.Sandbox;
using Nono.Testing;

namespace Nono.Action.Tests.Audit;

/// <summary>
/// A command could silence landlock-audit by nesting its own Landlock domain (the kernel logs a denial against the
/// nearest denying domain; a nested domain with default flags logs nothing after its execve). While landlock-audit
/// records the session, <c>landlock_restrict_self</c> fails with EPERM; without it (uid 65534, or
/// <c>--fs-observer off</c>, the documented opt-in for nested sandboxes) the same call succeeds.
/// </summary>
[Trait("Requires", "Landlock")]
[Collection(nameof(KernelAuditTests))]
public sealed class NestedLandlockTests
{
    // landlock_create_ruleset (444) with handled_access_fs = READ_FILE, then landlock_restrict_self (446) on it.
    private const string Nest = """
        import ctypes, os
        libc = ctypes.CDLL(None, use_errno=True)
        attr = ctypes.c_uint64(1 << 2)
        fd = libc.syscall(444, ctypes.byref(attr), 8, 0)
        print('ruleset=%d' % (0 if fd >= 0 else ctypes.get_errno()))
        rc = libc.syscall(446, fd, 0)
        print('restrict=%d' % (0 if rc == 0 else ctypes.get_errno()))
        """;

    [Theory]
    [InlineData(TestUser.Current, "auto", 1)]
    [InlineData(TestUser.Current, "off", 0)]
    [InlineData(TestUser.Nobody, "auto", 0)]
    public async Task Run_CommandNestsALandlockDomain_RefusedOnlyWhileLandlockAuditRecords(TestUser user, string observer, int expectedErrno)
    {
        using NonoSandbox sb = new(user);
        using KernelAuditScope? audit = user == TestUser.Current ? KernelAuditScope.TryEnable() : null;
        Assert.True(user == TestUser.Nobody || audit is not null, "root could not turn the kernel audit on");

        ProcessResult run = await sb.SandboxedAsync("run", ["--fs-observer", observer], NonoSandbox.Python, "-c", Nest);

        Assert.True(run.ExitCode == 0, run.StandardError);
        Assert.Contains("ruleset=0", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"restrict={expectedErrno}", run.StandardOutput, StringComparison.Ordinal);
    }
}
