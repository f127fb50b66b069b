using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

public sealed partial class RunCommandTests
{
    /// <summary>
    /// Review of session 12: the pidns init's private /proc stayed writable, and the modes of procfs entries that are not
    /// per process are shared by every procfs instance, the host's included: a root command could make
    /// /proc/sysrq-trigger world-writable (or /proc/kmsg world-readable) for the whole machine. The probe sets the entry's current mode again (no change
    /// even where the attack works); it is refused with EROFS, while /proc is still readable and writes through
    /// /proc/self/fd reach their target.
    /// </summary>
    [Fact]
    public async Task Run_Pidns_ProcEntryModesCannotBeChanged()
    {
        Assert.SkipUnless(ProcessRunner.IsRoot, "the attack needs a root command (the entries are root's)");
        // /proc/sysrq-trigger is the worst case; kernels without CONFIG_MAGIC_SYSRQ (this machine) still have /proc/kmsg.
        string entry = new[] { "/proc/sysrq-trigger", "/proc/kmsg", "/proc/slabinfo" }.FirstOrDefault(Path.Exists) ?? "";
        Assert.SkipWhen(entry.Length == 0, "no root-only /proc entry to probe");
        using NonoSandbox sb = new(TestUser.Current);
        sb.Environment["NONO_CONTAINMENT"] = "pidns";
        string work = sb.Home.Combine("work");
        Directory.CreateDirectory(work);
        const string Probe = """
            import errno, os, stat, sys
            path = sys.argv[2]
            try:
                os.chmod(path, stat.S_IMODE(os.stat(path).st_mode)); print("chmod ok")
            except OSError as e:
                print("chmod", errno.errorcode[e.errno])
            print("read", "ok" if open("/proc/self/status").read().startswith("Name:") else "bad")
            fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT, 0o600)
            with open(f"/proc/self/fd/{fd}", "w") as f: f.write("through proc")
            print("write", open(sys.argv[1]).read())
            """;

        ProcessResult run = await sb.SandboxedAsync("run", ["--allow", work, "--read", "/proc"], NonoSandbox.Python, "-c", Probe, Path.Combine(work, "out"), entry);

        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.StandardError}");
        Assert.Equal(["chmod EROFS", "read ok", "write through proc"], run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
