using System.CommandLine;
using System.Runtime.Versioning;
using Nono.Action.ActionMode;
using Nono.Action.ActionMode.Fence;
using Nono.Action.Cli;
using Nono.Action.GitHub;
using Nono.Core.Audit;
using Nono.Core.Diagnostics;
using Nono.Core.Sandbox;
using Nono.Core.Snapshots;
using Nono.Reports.Markdown;
using Nono.Reports.Model;
using SessionReport = Nono.Reports.Model.SessionReport;

namespace Nono.Action.Commands;

/// <summary>
/// <c>nono action</c>: the GitHub Actions mode behind action.yml. Reads the inputs, keeps the runner's
/// credentials out of the sandbox, runs the command through <c>nono run</c>, then writes outputs, the job
/// summary, annotations and the session artifact, and decides the step's exit code.
/// </summary>
internal static partial class ActionCommand
{
    /// <summary>Test hook: <c>1</c> throws right after the command, to prove the resume line and the token restore still happen.</summary>
    internal const string FailAfterCommandVariable = "NONO_TEST_ACTION_FAIL_AFTER_COMMAND";

    public static Command Create(CliContext context)
    {
        Command command = new("action", "Run as a GitHub Actions step (inputs from INPUT_* variables; see action.yml)");
        command.SetAction(_ => OperatingSystem.IsLinux() ? RunAsync(context).GetAwaiter().GetResult() : RunCommand.NotLinux(context));
        return command;
    }

    [SupportedOSPlatform("linux")]
    private static async Task<int> RunAsync(CliContext context)
    {
        ForkSafety.ReexecIfNeeded();
        // nono's own workflow commands bypass the neutralising writer NonoCli puts on action mode's output.
        TextWriter commands = context.Output is CommandNeutralisingWriter neutralising ? neutralising.Raw : context.Output;
        WorkflowCommands workflow = new(commands);
        (ActionInputs? inputs, IReadOnlyList<InputError> errors) = ActionInputsReader.Read(ActionInputsReader.Configuration(context.Environment));
        RunnerContext runner = RunnerContext.FromEnvironment(context.Environment);
        if (inputs is null)
        {
            foreach (InputError error in errors)
            {
                workflow.Error($"nono: {error}");
            }

            WriteOutputs(runner, new Dictionary<string, string> { ["step-exit"] = "1" });
            return ExitCodes.NonoError;
        }

        string stateRoot = SnapshotStore.DefaultStateRoot(context.Environment);
        string sessionId = AuditSessionId.New(TimeProvider.System);
        List<string> notes = [];
        Dictionary<string, string> childSide = PrepareEnvironment(inputs, context, workflow, notes, out List<string> problems);
        string? signKey = SigningKey(inputs, context, problems);
        bool keyless = KeylessWanted(inputs, runner, context, problems);
        if (problems.Count > 0)
        {
            problems.ForEach(p => workflow.Error($"nono: {p}"));
            WriteOutputs(runner, new Dictionary<string, string> { ["step-exit"] = "1" });
            return ExitCodes.NonoError;
        }

        CheckoutCredentialGuard guard = await CheckoutCredentialGuard.HideAsync(runner.Workspace, Path.Combine(stateRoot, "action"), CancellationToken.None);
        int exitCode;
        bool restoreFailed;
        try
        {
            exitCode = await RunFencedAsync(inputs, runner, context, workflow, commands, childSide, sessionId, signKey, guard, notes);
        }
        finally
        {
            // Whatever happened above (an exception included), the checkout token goes back before anything else.
            restoreFailed = !await RestoreCredentialsAsync(guard, workflow);
        }

        bool required = inputs.Sign == SignMode.Keyless;
        bool signingFailed = keyless && !await SignKeylessAsync(context, workflow, stateRoot, sessionId, required, notes) && required;
        return await ReportAsync(inputs, runner, context, workflow, stateRoot, sessionId, exitCode, notes, signingFailed || restoreFailed);
    }

    /// <summary>Runs the command between the stop line and the resume line; the resume is written even when this throws.</summary>
    [SupportedOSPlatform("linux")]
    private static async Task<int> RunFencedAsync(
        ActionInputs inputs, RunnerContext runner, CliContext context, WorkflowCommands workflow, TextWriter commands, Dictionary<string, string> childSide,
        string sessionId, string? signKey, CheckoutCredentialGuard guard, List<string> notes)
    {
        if (guard.Hidden.Count > 0)
        {
            foreach (CheckoutCredentialGuard.HiddenEntry entry in guard.Hidden)
            {
                workflow.AddMask(entry.Value);
            }

            notes.Add("The token that actions/checkout persisted in git config (.git/config and submodules) was removed for this step and restored afterwards.");
        }

        notes.Add("sudo and the Docker socket are unusable inside the sandbox (no_new_privs; UNIX-domain sockets denied).");
        if (inputs.Snapshot)
        {
            notes.Add($"Paths the snapshots exclude ({string.Join(", ", Nono.Core.Snapshots.SnapshotOptions.DefaultExcludedNames)}, at any depth) are covered by metadata only: a change inside one shows as an excluded-path violation, without its files, diff or rollback.");
        }

        // Written before the command runs: the runner applies GITHUB_OUTPUT after the step's own output, so if nono dies before
        // the real values are written, the gate still fails and nothing is uploaded (the session folder is made afterwards,
        // under a name nobody can guess: a granted runner.temp must not let the command plant it).
        WriteOutputs(runner, new Dictionary<string, string>
        {
            ["step-exit"] = "1",
            ["artifact-name"] = ArtifactName(inputs, runner, sessionId),
            ["artifact-dir"] = "",
        });
        workflow.Group("nono: sandboxed command output");
        ChildOutputFence fence = ChildOutputFence.Raise(commands);
        try
        {
            // Action mode needs the whole process tree gone when the command ends (see RunArguments).
            IReadOnlyList<string> args = RunArguments.For(inputs, runner, sessionId, signKey);
            // On a thread-pool thread: after the awaits above (git's pipes are socket-backed) this method may be running on
            // a socket thread, which with the supervisor's inline continuations also serves the proxy; the synchronous
            // run must not block it for the whole session.
            int exitCode = await Task.Run(() => NonoCli.Run([.. args], context with { Environment = childSide }));
            if (context.GetEnv(FailAfterCommandVariable) == "1")
            {
                // Test hook: an unexpected failure between the command and the report. It can only make the step fail.
                throw new InvalidOperationException($"{FailAfterCommandVariable} is set");
            }

            return exitCode;
        }
        finally
        {
            fence.Lower();
            workflow.EndGroup();
        }
    }

    [SupportedOSPlatform("linux")]
    private static async Task<int> ReportAsync(
        ActionInputs inputs, RunnerContext runner, CliContext context, WorkflowCommands workflow, string stateRoot, string sessionId, int exitCode, List<string> notes, bool nonoFailed)
    {
        string artifactName = ArtifactName(inputs, runner, sessionId);
        if (inputs.Mode == ActionRunMode.Audit)
        {
            notes.Add("Audit mode: every host was reachable, only through nono's proxy, which recorded each one (metadata, link-local and unmapped private addresses stay refused).");
        }

        (SessionReport report, SnapshotDiff? diff) = await SessionReportBuilder.BuildAsync(stateRoot, sessionId, inputs.Profile, exitCode, artifactName, notes, CancellationToken.None);
        if (inputs.Mode == ActionRunMode.Audit)
        {
            report = report with { NetworkProposal = await NetworkProposalBuilder.BuildAsync(stateRoot, sessionId, CancellationToken.None) };
        }

        string version = typeof(ActionCommand).Assembly.GetName().Version?.ToString() ?? "0";
        bool gateFailed = Gate(inputs.FailOn, report);
        int stepExit = exitCode != 0 ? exitCode : gateFailed || nonoFailed ? ExitCodes.NonoError : 0;
        // The session folder: a fresh unguessable name made after the command is gone, everything in it written by descriptor
        // (runner.temp may have been granted to the command, which could have planted links or folders there).
        using NoFollowDirectory temp = NoFollowDirectory.Open(runner.RunnerTemp);
        (NoFollowDirectory folder, string folderName) = temp.CreateUniqueDirectory($"nono-artifact-{sessionId}-");
        using (folder)
        {
            string artifactDir = Path.Combine(runner.RunnerTemp, folderName);
            bool signed = File.Exists(Path.Combine(stateRoot, "audit", sessionId, AuditFormat.AttestationFile));
            // The outputs are final before anything reports the verdict; if reporting then fails, step-exit goes back to a failure.
            WriteOutputs(runner, new Dictionary<string, string>
            {
                ["session-id"] = sessionId,
                ["exit-code"] = exitCode.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["violations"] = report.Violations.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["report"] = Path.Combine(artifactDir, SessionArtifact.ReportFile),
                ["bundle"] = signed ? Path.Combine(artifactDir, "audit", sessionId, AuditFormat.AttestationFile) : "",
                ["artifact-name"] = artifactName,
                ["artifact-dir"] = artifactDir,
                ["step-exit"] = stepExit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
            try
            {
                SessionArtifact.Write(folder, stateRoot, report, diff, version);
                if (inputs.Summary && runner.SummaryFile is not null)
                {
                    StepSummaryWriter.Append(runner.SummaryFile, JobSummaryRenderer.Render(report), JobSummaryRenderer.RunnerSummaryLimitBytes);
                }

                Annotate(workflow, report);
                if (gateFailed)
                {
                    workflow.Error($"nono: violations at or above '{inputs.FailOn.ToString().ToLowerInvariant()}' fail this step ({report.Violations.Count} found)");
                }

                await PublishAsync(inputs, runner, workflow, report, stepExit == 0);
            }
            catch
            {
                WriteOutputs(runner, new Dictionary<string, string> { ["step-exit"] = stepExit == 0 ? "1" : stepExit.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                throw;
            }
        }

        return stepExit;
    }

    private static string ArtifactName(ActionInputs inputs, RunnerContext runner, string sessionId) =>
        inputs.ArtifactName ?? $"nono-session-{runner.Job ?? "job"}-{sessionId}";

    /// <summary>
    /// Puts the checkout token back. A failure (the command may have corrupted .git/config) is an error on the step, not
    /// a crash: the report is still built. The backup stays in nono's state directory, which no sandbox is ever granted,
    /// and the next run restores it.
    /// </summary>
    private static async Task<bool> RestoreCredentialsAsync(CheckoutCredentialGuard guard, WorkflowCommands workflow)
    {
        try
        {
            await guard.RestoreAsync(CancellationToken.None);
            return true;
        }
        catch (Exception ex) when (ex is NonoException or IOException or UnauthorizedAccessException)
        {
            workflow.Error($"nono: restoring the checkout credentials in .git/config failed ({ex.Message}); the sandboxed command may have damaged .git/config");
            return false;
        }
    }

    private static bool Gate(FailOn failOn, SessionReport report) => failOn switch
    {
        FailOn.None => false,
        FailOn.Warning => report.Violations.Any(v => v.Severity >= Severity.Warning),
        _ => report.Violations.Any(v => v.Severity >= Severity.Error),
    };

    private static void Annotate(WorkflowCommands workflow, SessionReport report)
    {
        (IReadOnlyList<ReportViolation> commands, _) = AnnotationBudget.Split(report.Violations, v => v.Severity.ToString());
        foreach (ReportViolation v in commands)
        {
            Annotation at = new(v.File, v.Line, v.RuleId);
            string message = $"{v.Subject}: {v.DisplayEvidence}";
            switch (v.Severity)
            {
                case Severity.Error: workflow.Error(message, at); break;
                case Severity.Warning: workflow.Warning(message, at); break;
                default: workflow.Notice(message, at); break;
            }
        }
    }

    private static void WriteOutputs(RunnerContext runner, Dictionary<string, string> outputs)
    {
        if (runner.OutputFile is null)
        {
            return;
        }

        FileCommandWriter writer = new(runner.OutputFile);
        foreach ((string name, string value) in outputs)
        {
            writer.Set(name, value);
        }
    }
}
