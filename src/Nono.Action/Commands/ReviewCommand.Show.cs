using System.Globalization;
using System.Runtime.Versioning;
using Nono.Action.ActionMode;
using Nono.Action.ActionMode.Fence;
using Nono.Action.Cli;
using Nono.Action.Review;
using Nono.Core.Audit;
using Nono.Core.Audit.Events;
using Nono.Core.Diagnostics;
using Nono.Reports.Terminal;
using ReportChangeKind = Nono.Reports.Model.FileChangeKind;
using SessionReport = Nono.Reports.Model.SessionReport;

namespace Nono.Action.Commands;

internal static partial class ReviewCommand
{
    /// <summary>Verifies the unpacked artifact, then shows it and applies the rollback; nothing unverified is shown as fact.</summary>
    [SupportedOSPlatform("linux")]
    private static async Task<int> ShowAsync(CliContext context, ReviewTarget target, FoundArtifact found, string unpacked, AuditVerifyOptions options, string? checkout, CancellationToken cancellationToken)
    {
        string auditRoot = Path.Combine(unpacked, "audit");
        string[] sessions = Directory.Exists(auditRoot) ? [.. Directory.EnumerateDirectories(auditRoot).Select(Path.GetFileName).OfType<string>().Where(AuditSessionId.IsValid)] : [];
        if (sessions.Length != 1)
        {
            throw new NonoException(NonoErrorCode.VerificationFailed, $"artifact '{found.Name}' holds {sessions.Length} audit sessions, expected one");
        }

        string sessionId = sessions[0];
        AuditVerification verification = await AuditVerifier.VerifyAsync(auditRoot, sessionId, options, cancellationToken);
        List<(string Part, IReadOnlyList<string> Problems)> failed = [.. verification.Checks
            .Where(c => c.Status == AuditCheckStatus.Failed)
            .Select(c => (c.FailedBundleCheck is { } stage ? $"{AuditVerifyCommand.Name(c.Part)} ({Nono.Core.Trust.Sigstore.BundleCheckNames.Name(stage)})" : AuditVerifyCommand.Name(c.Part), c.Problems))];
        if (verification.Checks.Any(c => c.Part == AuditPart.Signature && c.Status != AuditCheckStatus.Passed && c.Status != AuditCheckStatus.Failed))
        {
            failed.Add(("signature", ["the session is not signed in the way the options expect"]));
        }

        // Only the verified events are read from here on: session.json and the artifact's ledger are not signed.
        IReadOnlyList<AuditRecord> records = failed.Count > 0 ? [] : await new AuditStore(auditRoot).ReadEventsAsync(sessionId, cancellationToken);
        SessionStartedEvent? started = records.Count > 0 ? records[0].Event as SessionStartedEvent : null;
        SessionEndedEvent? ended = records.Count > 0 ? records[^1].Event as SessionEndedEvent : null;
        if (failed.Count == 0 && CheckRunner(started?.Runner, target, found) is { } runnerProblem)
        {
            failed.Add(("runner", [runnerProblem]));
        }

        if (failed.Count == 0 && (started is null || ended is null))
        {
            failed.Add(("chain", ["the events do not start with session_started and end with session_ended"]));
        }
        else if (failed.Count == 0 && ended is { ExitCode: null, Signal: null })
        {
            // Never shown as "exit 0": a session that records neither how the command exited nor what killed it proves neither.
            failed.Add(("chain", ["session_ended records neither an exit code nor a signal"]));
        }

        ChangeContents contents = new(unpacked);
        List<FileChangedEvent> changes = failed.Count > 0 ? [] : [.. records.Select(r => r.Event).OfType<FileChangedEvent>()];
        if (contents.Verify(changes) is { Count: > 0 } objectProblems)
        {
            failed.Add(("objects", objectProblems));
        }

        if (failed.Count > 0 || started is null || ended is null)
        {
            context.Output.WriteLine($"session   {sessionId}: FAILED");
            foreach ((string part, IReadOnlyList<string> problems) in failed)
            {
                context.Output.WriteLine($"  {part}");
                problems.ToList().ForEach(p => context.Output.WriteLine($"      {CleanLine(p)}"));
            }

            context.Error.WriteLine($"nono: review failed: {string.Join(", ", failed.Select(f => f.Part))}");
            return ExitCodes.NonoError;
        }

        context.Output.WriteLine($"session   {sessionId}: verified ({Signer(verification, options)}); what follows comes from the signed events");
        SessionReport report = (await SessionReportBuilder.BuildAsync(unpacked, sessionId, "(recorded)", ended.ExitCode ?? 128 + ended.Signal!.Value, CleanLine(found.Name), [], cancellationToken, openSnapshots: false)).Report;
        report = report with
        {
            SnapshotsEnabled = changes.Count > 0,
            Changes = [.. changes.Select(c => new Nono.Reports.Model.FileChangeSummary(c.Path, Kind(c.Change), (c.AfterSize ?? 0) - (c.BeforeSize ?? 0), null))],
        };
        TerminalRenderer.Render(report, context.Output);
        // In a workflow the diffs (the agent's file contents and names) are fenced off from the runner's command parser.
        ChildOutputFence? fence = context.Output is CommandNeutralisingWriter workflowOutput ? ChildOutputFence.RaiseTextOnly(workflowOutput) : null;
        foreach (FileChangedEvent change in changes)
        {
            string diff = Clean(contents.Diff(change));
            context.Output.Write(diff.Length == 0 || diff.EndsWith('\n') ? diff : diff + "\n");
        }

        fence?.Lower();

        return checkout is null ? ExitCodes.Success : ApplyRollback(context, checkout, changes, contents);
    }

    private static int ApplyRollback(CliContext context, string checkout, IReadOnlyList<FileChangedEvent> changes, ChangeContents contents)
    {
        IReadOnlyList<string> problems = CheckoutRollback.Check(checkout, changes, contents);
        if (problems.Count > 0)
        {
            problems.ToList().ForEach(p => context.Output.WriteLine($"  cannot roll back {CleanLine(p)}"));
            context.Error.WriteLine($"nono: --apply refused: {checkout} does not hold what the session left ({problems.Count} problem(s)); nothing was changed");
            return ExitCodes.NonoError;
        }

        CheckoutRollback.Result result = CheckoutRollback.Apply(checkout, changes, contents);
        result.LeftInPlace.ToList().ForEach(p => context.Output.WriteLine($"  kept non-empty directory {CleanLine(p)} (it holds files the session did not record)"));
        context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rolled back in {checkout}: {result.Restored} restored, {result.Removed} removed"));
        return ExitCodes.Success;
    }

    private static string Signer(AuditVerification verification, AuditVerifyOptions options) =>
        verification.Checks.Any(c => c.Part == AuditPart.Signature && c.Status == AuditCheckStatus.Passed)
            ? options.CertificateIdentity is { } identity ? $"signed keylessly by {identity}" : "signed with the given key"
            : "signature not checked";

    private static ReportChangeKind Kind(FileChangeKind change) => change switch
    {
        FileChangeKind.Added => ReportChangeKind.Created,
        FileChangeKind.Deleted => ReportChangeKind.Deleted,
        _ => ReportChangeKind.Modified,
    };

    /// <summary>Artifact text is untrusted: control and format characters other than newline and tab could drive the terminal.</summary>
    private static string Clean(string text) => TerminalText.Block(text);

    /// <summary>A name or message on one line: an agent can put a line break (and a workflow command after it) in a file name.</summary>
    private static string CleanLine(string text) => TerminalText.Line(text);

    /// <summary>The signed session must come from the repository and run the artifact was downloaded from (no replay).</summary>
    private static string? CheckRunner(RunnerIdentity? runner, ReviewTarget target, FoundArtifact found)
    {
        if (runner?.Repository is null || !string.Equals(runner.Repository, target.FullName, StringComparison.OrdinalIgnoreCase))
        {
            return $"the session was recorded in repository '{runner?.Repository ?? "(none)"}', not {target.FullName}";
        }

        string run = found.RunId.ToString(CultureInfo.InvariantCulture);
        return runner.RunId == run ? null : $"the session was recorded in run {runner.RunId ?? "(none)"}, but the artifact belongs to run {run}";
    }
}
