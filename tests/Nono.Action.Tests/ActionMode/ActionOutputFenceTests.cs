using System.Text.RegularExpressions;
using Nono.Testing;

namespace Nono.Action.Tests.ActionMode;

/// <summary>
/// The sandboxed command's output cannot act as workflow commands, nono's own commands still do, and the gate fails
/// when nono fails after the command forged a passing verdict. Runs the real <c>nono action</c> on a simulated runner
/// and reads its streams the way the runner does (<see cref="RunnerCommandLog"/>).
/// </summary>
public sealed partial class ActionOutputFenceTests
{
    private const string HostileOutput =
        "printf '::set-output name=step-exit::0\\n::stop-commands::abc\\n::add-mask::violations\\n'; " +
        "echo '::error file=app.py::forged-error' >&2; " +
        "echo 'text ##[add-mask]forged-legacy' >&2; " +
        "echo '  ::set-output name=artifact-dir::/etc' >&2; " +
        "printf '::abc::\\n::warning::forged-after-own-resume\\n'; " +
        "for f in /proc/self/fd/* /proc/[0-9]*/fd/*; do dd if=\"$f\" iflag=nonblock bs=64k count=1 2>/dev/null; done > stolen.txt || true; " +
        "echo pwned >> .github/workflows/ci.yml; " +
        "printf 'no newline at end ::add-mask::'";

    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task ChildWorkflowCommands_TakeNoEffect_NonoOwnCommandsDo(TestUser user)
    {
        Assert.SkipUnless(user == TestUser.Current || ProcessRunner.IsRoot, "running as uid 65534 needs root");
        using ActionStep runner = new(user);

        (ProcessResult step, ProcessResult gate, Dictionary<string, string> outputs) = await runner.RunAsync(new() { ["run"] = HostileOutput });

        // Nothing the command printed took effect: no output, mask, annotation or stop from it.
        string all = string.Join('\n', runner.Commands.Select(c => $"{c.Name} {string.Join(',', c.Properties)} {c.Data}"));
        Assert.DoesNotContain(runner.Commands, c => c.Name.Equals("set-output", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("forged", all, StringComparison.Ordinal);
        Assert.DoesNotContain(runner.Commands, c => c.Name == "add-mask" && c.Data is "violations" or "");
        Assert.DoesNotContain(runner.Commands, c => c.Name == "stop-commands" && !Token().IsMatch(c.Data));
        // nono's own commands did: the checkout token's mask, the verdict's annotation, the group's end after the command.
        Assert.Contains(runner.Commands, c => c.Name == "add-mask" && runner.CheckoutHeader.Contains(c.Data, StringComparison.Ordinal));
        Assert.Contains(runner.Commands, c => c.Name == "error" && c.Properties.GetValueOrDefault("title") == "nono.protected-path-changed");
        Assert.Contains(runner.Commands, c => c.Name == "endgroup");
        // The command's text is shown (stderr too, on the same stream in its order), its unterminated last line kept apart.
        Assert.Contains("text ##\u2060[add-mask]forged-legacy", step.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("no newline at end ::add-mask::\n", step.StandardOutput, StringComparison.Ordinal);
        // The command could not read the stop token back from its own stdout or any descriptor it can reach.
        string token = runner.Commands.Single(c => c.Name == "stop-commands").Data;
        Assert.DoesNotContain(token, File.ReadAllText(Path.Combine(runner.Workspace, "stolen.txt")), StringComparison.Ordinal);
        // The verdict is nono's.
        Assert.Equal("1", outputs["step-exit"]);
        Assert.StartsWith(Path.Combine(runner.RunnerTemp, "nono-artifact-"), outputs["artifact-dir"], StringComparison.Ordinal);
        Assert.Equal(1, step.ExitCode);
        Assert.Equal(1, gate.ExitCode);
    }

    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task NonoFailsAfterForgedPass_GateFails_ReportStillBuilt_TokenBackupOutOfReach(TestUser user)
    {
        Assert.SkipUnless(user == TestUser.Current || ProcessRunner.IsRoot, "running as uid 65534 needs root");
        using ActionStep runner = new(user);
        string backup = Path.Combine(runner.Home, ".local", "state", "nono", "action", "checkout-credentials.backup");

        // The command forges a passing verdict, tries to read the token's backup, then breaks .git/config so that
        // putting the checkout token back fails (in a .git it swapped in, so nono cannot put the old config back either).
        (ProcessResult step, ProcessResult gate, Dictionary<string, string> outputs) = await runner.RunAsync(new()
        {
            ["run"] = $"echo '::set-output name=step-exit::0'; echo '::set-output name=step-exit::0' >&2; (cat '{backup}' > seen-backup.txt 2>&1 || true); mv .git .git-old; mkdir .git; printf '[[[\\n' > .git/config",
        });

        Assert.NotEqual(0, gate.ExitCode);
        Assert.NotEqual(0, step.ExitCode);
        Assert.NotEqual("0", outputs["step-exit"]);
        Assert.Contains(runner.Commands, c => c.Name == "error" && c.Data.Contains("restoring the checkout credentials", StringComparison.Ordinal));
        Assert.True(File.Exists(runner.SummaryFile), step.ToString());
        Assert.True(Directory.Exists(outputs["artifact-dir"]), step.ToString());
        Assert.DoesNotContain(runner.CheckoutHeader, File.ReadAllText(Path.Combine(runner.Workspace, "seen-backup.txt")), StringComparison.Ordinal);
        // The backup stays for the next run to restore, in nono's state directory, readable by its owner only.
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(backup));
    }

    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task CleanRun_GatePasses_OnlyWithASuccessfulStep(TestUser user)
    {
        Assert.SkipUnless(user == TestUser.Current || ProcessRunner.IsRoot, "running as uid 65534 needs root");
        using ActionStep runner = new(user);

        (ProcessResult step, ProcessResult gate, Dictionary<string, string> outputs) = await runner.RunAsync(new() { ["run"] = "echo fine" });

        Assert.True(step.ExitCode == 0, step.ToString());
        Assert.Equal(0, gate.ExitCode);
        Assert.Equal("0", outputs["step-exit"]);
        Assert.Contains("fine\n", step.StandardOutput, StringComparison.Ordinal);
        // A resume line of its own after the command, so nono's later commands work.
        Assert.Matches(@"\n::[0-9a-f]{32}::\n", step.StandardOutput);
        // The final outputs are written and the checkout credentials put back.
        Assert.True(File.Exists(outputs["report"]), outputs["report"]);
        Assert.Equal(runner.CheckoutHeader, await ActionRunFailureTests.CheckoutHeaderAsync(runner));
    }

    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task LeakedStopToken_RelayedLinesStillTakeNoEffect_TextKept(TestUser user)
    {
        Assert.SkipUnless(user == TestUser.Current || ProcessRunner.IsRoot, "running as uid 65534 needs root");
        using ActionStep runner = new(user);

        (ProcessResult step, _, _) = await runner.RunAsync(new() { ["run"] = HostileOutput + "; printf '\\n a::b ##x [y]\\n'" });

        // As if the command had learnt the token (e.g. from the live log through the API): read with the stop line removed,
        // not one line of the command's acts as a command.
        string token = runner.Commands.Single(c => c.Name == "stop-commands").Data;
        string unfenced = step.StandardOutput.Replace($"::stop-commands::{token}\n", "", StringComparison.Ordinal);
        List<RunnerCommandLog.Command> commands = RunnerCommandLog.Parse(unfenced);
        Assert.DoesNotContain(commands, c => c.Data.Contains("forged", StringComparison.Ordinal) || c.Name.Equals("set-output", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(commands, c => c.Name == "add-mask" && c.Data is "violations" or "");
        // The text itself is there, changed only by word joiners.
        string shown = step.StandardOutput.Replace("\u2060", "", StringComparison.Ordinal);
        Assert.Contains("::error file=app.py::forged-error\n", shown, StringComparison.Ordinal);
        Assert.Contains("text ##[add-mask]forged-legacy\n", shown, StringComparison.Ordinal);
        Assert.Contains("\n a::b ##x [y]\n", step.StandardOutput, StringComparison.Ordinal);
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex Token();
}
