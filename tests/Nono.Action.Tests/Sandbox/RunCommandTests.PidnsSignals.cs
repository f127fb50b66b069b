using System.Diagnostics;
using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

public sealed partial class RunCommandTests
{
    /// <summary>
    /// Landlock ABI 4-5 (GitHub-hosted runners) has no signal scope, but the private PID namespace is one: kill(2) resolves
    /// pids in the caller's namespace, so a host process of the same uid is unreachable by pid and by kill(-1), while a
    /// process of the sandbox's own tree is still signalled and the namespace init ignores SIGKILL/SIGSTOP from inside. The
    /// run needs no <c>unscoped-signals</c> opt-in and says why. The contrast (direct-child containment, opted in) shows
    /// the same kill DOES reach the host process, so the test can fail.
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_Abi4InPidNamespace_HostProcessesUnreachableBySignals(TestUser user)
    {
        using NonoSandbox sb = new(user);
        using Process host = StartHostSleeper(user);
        using Process victim = StartHostSleeper(user);
        try
        {
            string script = $"kill -TERM {host.Id} && echo host-signalled || echo host-unreachable; kill -TERM -1; "
                + "sleep 100 & kill -TERM $!; wait $!; echo inner=$?; kill -KILL 1; kill -STOP 1; echo init-survived";

            sb.Environment["NONO_CONTAINMENT"] = "pidns"; // kill -1 outside a PID namespace would hit the host
            ProcessResult inside = await sb.SandboxedAsync("run", ["--landlock-abi", "4", "-v"], "/bin/sh", "-c", script);
            sb.Environment["NONO_CONTAINMENT"] = "direct-child";
            ProcessResult refused = await sb.SandboxedAsync("run", ["--landlock-abi", "4"], "/bin/true");
            ProcessResult contrast = await sb.SandboxedAsync("run", ["--landlock-abi", "4", "--allow-weaker", "unscoped-signals"], "/bin/sh", "-c", $"kill -TERM {victim.Id} && echo victim-signalled");
            await victim.WaitForExitAsync(TestContext.Current.CancellationToken);

            Assert.True(inside.ExitCode == 0, $"exit {inside.ExitCode}: {inside.StandardError}");
            Assert.Contains("host-unreachable", inside.StandardOutput);
            Assert.Contains("inner=143", inside.StandardOutput); // SIGTERM reached the sandbox's own sleep
            Assert.Contains("init-survived", inside.StandardOutput);
            Assert.Contains("signals scoped by the PID namespace (Landlock ABI 4 has no signal scoping)", inside.StandardError);
            Assert.DoesNotContain("weaker mode in force: unscoped-signals", inside.StandardError);
            string events = string.Concat(Directory.EnumerateFiles(sb.Home.Combine(".local", "state", "nono", "audit"), "audit-events.ndjson", SearchOption.AllDirectories).Select(File.ReadAllText));
            Assert.Contains("containment pidns; signals scoped by the PID namespace (Landlock ABI 4 has no signal scoping)", events);
            Assert.False(host.HasExited);
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("--allow-weaker unscoped-signals", refused.StandardError);
            Assert.Contains("victim-signalled", contrast.StandardOutput);
            Assert.True(victim.HasExited);
        }
        finally
        {
            Stop(host);
            Stop(victim);
        }
    }

    private static Process StartHostSleeper(TestUser user)
    {
        ProcessStartInfo psi = new(user == TestUser.Nobody ? "setpriv" : "sleep") { UseShellExecute = false };
        string[] args = user == TestUser.Nobody
            ? [$"--reuid={ProcessRunner.NobodyId}", $"--regid={ProcessRunner.NobodyId}", "--clear-groups", "--", "sleep", "1000"]
            : ["1000"];
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        return Process.Start(psi)!;
    }

    private static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill();
        }
    }
}
