using System.Diagnostics;
using System.Text.Json;
using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

public sealed partial class RunCommandTests
{
    private const string WaitForTerm = """
        import os, signal, sys
        def on_term(*_):
            os.write(1, b"got-term\n")  # not print(): the signal may land inside the "ready" print's flush
            os._exit(42)
        signal.signal(signal.SIGTERM, on_term)
        print("ready", os.getpid(), flush=True)
        while True:
            signal.pause()
        """;

    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_SigtermToNono_ForwardedAndExitCodePassedThrough(TestUser user)
    {
        using NonoSandbox sb = new(user);
        using Process nono = sb.Start(["run", .. SandboxSystemPaths.CliFlags, "--", NonoSandbox.Python, "-c", WaitForTerm]);
        string? ready = await nono.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken);
        Assert.StartsWith("ready", ready);

        Signal(nono.Id, 15);
        string rest = await nono.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        string errors = await nono.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await nono.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.True(rest.Contains("got-term"), $"exit {nono.ExitCode}; stdout: {rest}; stderr: {errors}");
        Assert.Equal(42, nono.ExitCode);
        JsonElement session = await AssertCompleteRecordAsync(sb); // complete by the time nono has exited
        Assert.Equal(42, session.GetProperty("exit_code").GetInt32());
    }

    private const string WaitForInterrupt = """
        import os, signal
        def on_signal(number, _):
            os.write(1, b"got-%d sid-%d\n" % (number, os.getsid(0)))
            os._exit(40 + number)
        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        print("ready", flush=True)
        while True:
            signal.pause()
        """;

    /// <summary>
    /// In the PID namespace without a terminal the command is in a session of its own, so a terminal's Ctrl-C (SIGINT to
    /// nono's foreground group) and a SIGTERM to nono no longer reach it directly: nono forwards them, through the init.
    /// Landlock ABI 4 (no opt-in needed there any more) and the default, both users, both signals.
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current, 4, 2)]
    [InlineData(TestUser.Nobody, 4, 2)]
    [InlineData(TestUser.Current, 4, 15)]
    [InlineData(TestUser.Nobody, 5, 15)]
    [InlineData(TestUser.Current, 0, 2)]
    public async Task Run_InterruptOrTermToNono_ReachesTheCommandInItsOwnSession(TestUser user, int abi, int signal)
    {
        using NonoSandbox sb = new(user);
        sb.Environment["NONO_CONTAINMENT"] = "pidns";
        string[] cap = abi == 0 ? [] : ["--landlock-abi", $"{abi}"];
        using Process nono = sb.Start(["run", .. SandboxSystemPaths.CliFlags, .. cap, "--", NonoSandbox.Python, "-c", WaitForInterrupt]);
        string? ready = await nono.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken);
        if (ready != "ready")
        {
            Assert.Fail($"{ready}: {await nono.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken)}"); // read only then: nono is still running otherwise
        }

        Signal(nono.Id, signal);
        string rest = await nono.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        string errors = await nono.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await nono.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.True(rest.Contains($"got-{signal} sid-1"), $"exit {nono.ExitCode}; stdout: {rest}; stderr: {errors}"); // sid 1: the init's session
        Assert.Equal(40 + signal, nono.ExitCode);
        Assert.DoesNotContain("unscoped-signals", errors);
    }

    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_NonoKilled_ChildDiesToo(TestUser user)
    {
        using NonoSandbox sb = new(user);
        // The direct child's own parent-death signal, the baseline of every tier. The child reports its pid, which is a
        // host pid only outside a PID namespace (RunCommandTests.Containment covers the namespaced tree).
        sb.Environment["NONO_CONTAINMENT"] = "direct-child";
        using Process nono = sb.Start(["run", .. SandboxSystemPaths.CliFlags, "--", NonoSandbox.Python, "-c", WaitForTerm]);
        string? ready = await nono.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken);
        int child = int.Parse(ready!.Split(' ')[1]);
        Assert.True(IsAlive(child));

        Signal(nono.Id, 9);
        await nono.WaitForExitAsync(TestContext.Current.CancellationToken);

        // PR_SET_PDEATHSIG delivers SIGKILL to the child; wait for the kernel to finish it (not a timing assertion:
        // the bound only keeps a broken build from hanging the suite).
        using CancellationTokenSource bound = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        bound.CancelAfter(TimeSpan.FromSeconds(60));
        while (IsAlive(child) && !bound.IsCancellationRequested)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.False(IsAlive(child), $"sandboxed child {child} survived nono's SIGKILL");
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static void Signal(int pid, int signal)
    {
        // The shell's builtin kill: no dependency on procps.
        ProcessResult r = ProcessRunner.RunAsync("/bin/sh", ["-c", $"kill -{signal} {pid}"]).GetAwaiter().GetResult();
        Assert.Equal(0, r.ExitCode);
    }
}
