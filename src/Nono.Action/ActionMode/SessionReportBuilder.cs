using Nono.Core.Audit;
using Nono.Core.Audit.Events;
using Nono.Core.Snapshots;
using Nono.Reports.Model;
using ReportChangeKind = Nono.Reports.Model.FileChangeKind;
using SessionReport = Nono.Reports.Model.SessionReport;

namespace Nono.Action.ActionMode;

/// <summary>
/// Builds the report model of a finished session from its audit record and snapshot diff. What ran, how it was
/// enforced and how long it took come from the session_started/session_ended events (covered by the chain and the
/// signature), not from session.json. <c>openSnapshots</c> is false for an artifact under review: its
/// snapshot store is attacker-supplied and the review shows changes from the signed events instead.
/// </summary>
internal static class SessionReportBuilder
{
    public static async Task<(SessionReport Report, SnapshotDiff? Diff)> BuildAsync(
        string stateRoot, string sessionId, string profile, int exitCode, string? artifactName, IReadOnlyList<string> notes, CancellationToken cancellationToken, bool openSnapshots = true)
    {
        AuditStore audit = new(Path.Combine(stateRoot, "audit"));
        SessionMetadata? metadata = await audit.TryLoadAsync(sessionId, cancellationToken);
        IReadOnlyList<AuditRecord> records = metadata is null ? [] : await audit.ReadEventsAsync(sessionId, cancellationToken);
        IReadOnlyList<AuditViolation> violations = ViolationRules.Evaluate(records);
        SessionStartedEvent? started = records.Count > 0 && records[0].Seq == 0 ? records[0].Event as SessionStartedEvent : null;
        SessionEndedEvent? ended = records.Count > 0 ? records[^1].Event as SessionEndedEvent : null;
        List<string> weaker = [.. records.Select(r => r.Event).OfType<PolicyWeakenedEvent>().Select(w => w.To ?? w.Setting)];
        Dictionary<string, (int Allowed, int Denied)> hosts = new(StringComparer.OrdinalIgnoreCase);
        foreach (NetworkEvent n in records.Select(r => r.Event).OfType<NetworkEvent>())
        {
            (int allowed, int denied) = hosts.GetValueOrDefault(n.Host);
            hosts[n.Host] = n.Decision == NetworkDecision.Allowed ? (allowed + 1, denied) : (allowed, denied + 1);
        }

        SnapshotDiff? diff = null;
        string? incomplete = metadata is null ? "no session record was written"
            : metadata.Status != SessionStatus.Completed ? "nono stopped before it recorded the end of the session" : null;
        string rollbackDir = Path.Combine(stateRoot, "rollbacks", sessionId);
        if (openSnapshots && Directory.Exists(rollbackDir))
        {
            SnapshotSession snapshots = SnapshotStore.Open(stateRoot).OpenSession(sessionId);
            if (snapshots.Info.Snapshots.Count >= 2)
            {
                diff = await snapshots.DiffAsync(0, snapshots.Info.Snapshots.Count - 1, includeContent: true, cancellationToken);
            }
            else
            {
                incomplete ??= "the final snapshot is missing, so the changes were not recorded";
            }
        }

        // An error like any other, so the gate, annotations, check run and SARIF all fail on it, not only the summary.
        IEnumerable<ReportViolation> incompleteViolation = incomplete is null ? [] :
            [new ReportViolation("nono.session-incomplete", Severity.Error, sessionId, $"session record incomplete: {incomplete}")];

        SessionReport report = new()
        {
            SessionId = sessionId,
            Command = string.Join(' ', started?.Command ?? []),
            Profile = profile,
            EnforcementTier = started?.EnforcementTier ?? "unknown",
            LandlockAbi = started?.LandlockAbi,
            WeakerModes = weaker,
            ExitCode = exitCode,
            Signal = ended?.Signal,
            Duration = TimeSpan.FromMilliseconds(ended?.DurationMs ?? 0),
            Violations = [.. incompleteViolation, .. violations.Select(ToReport)],
            Incomplete = incomplete,
            Network = [.. hosts.Select(h => new NetworkHostSummary(h.Key, h.Value.Allowed, h.Value.Denied))],
            SnapshotsEnabled = diff is not null,
            Changes = diff is null ? [] : [.. diff.Changes.Select(c => new FileChangeSummary(c.Path, Kind(c.Kind), c.SizeDelta, Excerpt(c.Diff)))],
            Signature = ReportSignature.For(Path.Combine(stateRoot, "audit"), started?.Runner, sessionId),
            ArtifactName = artifactName,
            Notes = notes,
        };
        return (report, diff);
    }

    private static ReportViolation ToReport(AuditViolation v)
    {
        // An explicitly accepted weaker mode is worth a warning, not a failed build; the rest keep the audit's weight.
        Severity severity = v.RuleId == ViolationRules.PolicyWeakened ? Severity.Warning : v.Severity switch
        {
            ViolationSeverity.High => Severity.Error,
            ViolationSeverity.Medium => Severity.Warning,
            _ => Severity.Note,
        };
        string? file = v.RuleId == ViolationRules.ProtectedPathChanged ? v.Subject : null;
        return new ReportViolation("nono." + v.RuleId, severity, v.Subject, v.Evidence, file, UnverifiedClaim: v.UnverifiedClaim);
    }

    private static ReportChangeKind Kind(ChangeKind kind) => kind switch
    {
        ChangeKind.Created => ReportChangeKind.Created,
        ChangeKind.Deleted => ReportChangeKind.Deleted,
        ChangeKind.ModeChanged => ReportChangeKind.ModeChanged,
        _ => ReportChangeKind.Modified,
    };

    /// <summary>The first lines of a unified diff: enough for a reviewer to see what happened.</summary>
    private static string? Excerpt(string? diff)
    {
        if (diff is null)
        {
            return null;
        }

        string[] lines = diff.Split('\n');
        return lines.Length <= 40 ? diff : string.Join('\n', lines[..40]) + "\n… (full diff in changes.patch)";
    }
}
