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
        // the real values are written, the gate still fails and the upload still points at nono's own folder.
        string artifactName = ArtifactName(inputs, runner, sessionId);
        WriteOutputs(runner, new Dictionary<string, string>
        {
            ["step-exit"] = "1",
            ["artifact-name"] = artifactName,
            ["artifact-dir"] = ArtifactDirectory(runner, sessionId),
        });
        int exitCode;
        workflow.Group("nono: sandboxed command output");
        ChildOutputFence fence = ChildOutputFence.Raise(commands);
        try
        {
            IReadOnlyList<string> args = RunArguments.For(inputs, runner, sessionId, signKey);
            // On a thread-pool thread: after the awaits above (git's pipes are socket-backed) this method may be running on
            // a socket thread, which with the supervisor's inline continuations also serves the proxy; the synchronous
            // run must not block it for the whole session.
            exitCode = await Task.Run(() => NonoCli.Run([.. args], context with { Environment = childSide }));
        }
        finally
        {
            fence.Lower();
            workflow.EndGroup();
        }

        bool restoreFailed = !await RestoreCredentialsAsync(guard, workflow);
        bool required = inputs.Sign == SignMode.Keyless;
        bool signingFailed = keyless && !await SignKeylessAsync(context, workflow, stateRoot, sessionId, required, notes) && required;
        return await ReportAsync(inputs, runner, context, workflow, stateRoot, sessionId, exitCode, notes, signingFailed || restoreFailed);
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
        string artifactDir = ArtifactDirectory(runner, sessionId);
        string reportPath = SessionArtifact.Write(artifactDir, stateRoot, report, diff, version);
        if (inputs.Summary && runner.SummaryFile is not null)
        {
            StepSummaryWriter.Append(runner.SummaryFile, JobSummaryRenderer.Render(report), JobSummaryRenderer.RunnerSummaryLimitBytes);
        }

        Annotate(workflow, report);
        bool gateFailed = Gate(inputs.FailOn, report);
        int stepExit = exitCode != 0 ? exitCode : gateFailed || nonoFailed ? ExitCodes.NonoError : 0;
        if (gateFailed)
        {
            workflow.Error($"nono: violations at or above '{inputs.FailOn.ToString().ToLowerInvariant()}' fail this step ({report.Violations.Count} found)");
        }

        await PublishAsync(inputs, runner, workflow, report, stepExit == 0);
        string bundle = Path.Combine(artifactDir, "audit", sessionId, AuditFormat.AttestationFile);
        WriteOutputs(runner, new Dictionary<string, string>
        {
            ["session-id"] = sessionId,
            ["exit-code"] = exitCode.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["violations"] = report.Violations.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["report"] = reportPath,
            ["bundle"] = File.Exists(bundle) ? bundle : "",
            ["artifact-name"] = artifactName,
            ["artifact-dir"] = artifactDir,
            ["step-exit"] = stepExit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        return stepExit;
    }

    private static string ArtifactName(ActionInputs inputs, RunnerContext runner, string sessionId) =>
        inputs.ArtifactName ?? $"nono-session-{runner.Job ?? "job"}-{sessionId}";

    /// <summary>The session folder the upload step takes; action.yml refuses any other path.</summary>
    private static string ArtifactDirectory(RunnerContext runner, string sessionId) => Path.Combine(runner.RunnerTemp, "nono-artifact-" + sessionId);

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
            string message = $"{v.Subject}: {v.Evidence}";
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
