using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

public sealed partial class RunCommandTests
{
    /// <summary>
    /// The sandboxed command's signal attempts. argv: mode ("all" or "group-only"), the invoking shell's pid (its process
    /// group), the file the shell writes nono's pid to, the test host's PID-namespace link. It starts a child first (which
    /// the group and broadcast kills must reach), then ignores SIGTERM itself so it survives its own kill(0) to report.
    /// kill(-1) is sent only from inside a PID namespace other than the test host's: outside one, as root, it would end
    /// every process of the machine.
    /// </summary>
    private const string SignalAttempts = """
        import os, signal, subprocess, sys, time
        mode, shell, pidfile, host_ns = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
        while not os.path.exists(pidfile) or not open(pidfile).read().endswith("\n"):
            time.sleep(0.01)
        nono = int(open(pidfile).read())
        inner = subprocess.Popen(["/bin/sleep", "100"])
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print("sid", os.getsid(0), "pgrp", os.getpgrp(), flush=True)
        def attempt(name, target):
            try:
                os.kill(target, signal.SIGTERM)
                print(name, "sent", flush=True)
            except OSError as e:
                print(name, "errno", e.errno, flush=True)
        if mode == "all":
            attempt("nono-pid", nono)
            attempt("shell-pgrp", -shell)
        attempt("own-group", 0)
        if mode == "all" and os.readlink("/proc/self/ns/pid") != host_ns:
            attempt("broadcast", -1)
        inner.wait()
        print("inner", inner.returncode, flush=True)
        """;

    /// <summary>
    /// The disposable "invoking shell": its own session and process group (setsid -w), so nothing the test provokes can
    /// reach the test host. It starts nono in the background (same process group, as an interactive shell's job would
    /// be without job control), writes nono's pid for the command, waits, and says it survived.
    /// </summary>
    private const string InvokingShell = """
        pidfile=$1; shift
        "$@" "$$" "$pidfile" "$(readlink /proc/self/ns/pid)" &
        echo $! > "$pidfile"
        wait $!
        echo "nono-exit=$?"
        echo shell-survived
        """;

    /// <summary>
    /// Landlock ABI 4-5 (GitHub-hosted runners) has no signal scope; the private PID namespace is one only with a session
    /// of its own, which the init makes (setsid) when no terminal is attached. From inside: kill(0) and kill(-1) reach the
    /// sandbox's own child but neither nono nor the invoking shell, nono's pid and the shell's process group cannot be
    /// named, and no <c>unscoped-signals</c> opt-in is needed. Before the session (s7-scoping, reverted) kill(0) killed the
    /// shell: the shell shared its process group with nono and the command.
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current, 4)]
    [InlineData(TestUser.Nobody, 4)]
    [InlineData(TestUser.Current, 5)]
    [InlineData(TestUser.Nobody, 5)]
    public async Task Run_OlderAbiInPidNamespace_SignalsCannotLeaveTheSandboxSession(TestUser user, int abi)
    {
        using NonoSandbox sb = new(user);
        sb.Environment["NONO_CONTAINMENT"] = "pidns";

        ProcessResult result = await InvokingShellRunsAsync(sb, "all", ["--landlock-abi", $"{abi}", "-v"]);

        Assert.True(result.StandardOutput.Contains("shell-survived"), $"stdout: {result.StandardOutput}; stderr: {result.StandardError}");
        Assert.Contains("nono-exit=0", result.StandardOutput);
        Assert.Contains("sid 1 pgrp 1", result.StandardOutput); // the init's session and group, which the command was born in
        Assert.Contains("nono-pid errno 3", result.StandardOutput); // ESRCH: host pids cannot be named
        Assert.Contains("shell-pgrp errno 3", result.StandardOutput);
        Assert.Contains("own-group sent", result.StandardOutput);
        Assert.Contains("broadcast sent", result.StandardOutput);
        Assert.Contains("inner -15", result.StandardOutput); // signalling inside the sandbox still works
        Assert.Contains($"signals scoped by the PID namespace and a session of its own (Landlock ABI {abi} has no signal scoping)", result.StandardError);
        Assert.Contains("session: its own (setsid", result.StandardError);
        Assert.DoesNotContain("unscoped-signals", result.StandardError);
    }

    /// <summary>
    /// The other containments have no PID namespace: the opt-in stays required, and with it kill(0) does reach the invoking
    /// shell, which is what the session prevents in the PID namespace (so the test above can fail).
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current, "direct-child")]
    [InlineData(TestUser.Nobody, "direct-child")]
    [InlineData(TestUser.Current, "cgroup")]
    public async Task Run_OlderAbiOutsidePidNamespace_NeedsTheOptInAndKillZeroReachesTheShell(TestUser user, string containment)
    {
        using NonoSandbox sb = new(user);
        sb.Environment["NONO_CONTAINMENT"] = containment;
        ProcessResult probe = await sb.SandboxedAsync("run", ["--landlock-abi", "4", "--allow-weaker", "unscoped-signals"], "/bin/true");
        Assert.SkipWhen(probe.ExitCode != 0 && probe.StandardError.Contains("containment"), $"{containment} is not available here: {probe.StandardError}");

        ProcessResult refused = await sb.SandboxedAsync("run", ["--landlock-abi", "4"], "/bin/true");
        ProcessResult weaker = await InvokingShellRunsAsync(sb, "group-only", ["--landlock-abi", "4", "--allow-weaker", "unscoped-signals"]);

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("--allow-weaker unscoped-signals", refused.StandardError);
        Assert.Contains("own-group sent", weaker.StandardOutput);
        Assert.DoesNotContain("shell-survived", weaker.StandardOutput); // SIGTERM to the shared group ended the shell
    }

    private static Task<ProcessResult> InvokingShellRunsAsync(NonoSandbox sb, string mode, string[] options)
    {
        string pidfile = sb.Home.Combine("nono.pid");
        string[] nono = [NonoExecutable.Path, "run", .. SandboxSystemPaths.CliFlags, "--allow", sb.Home.Path, .. options, "--", NonoSandbox.Python, "-c", SignalAttempts, mode];
        return ProcessRunner.RunAsync("setsid", ["-w", "/bin/sh", "-c", InvokingShell, "sh", pidfile, .. nono], sb.User, sb.Environment, sb.Home.Path, cancellationToken: TestContext.Current.CancellationToken);
    }
}
