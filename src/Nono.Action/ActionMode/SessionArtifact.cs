using System.Text;
using Nono.Core.Audit;
using Nono.Core.Snapshots;
using Nono.Reports.Json;
using Nono.Reports.Markdown;
using Nono.Reports.Model;
using Nono.Reports.Sarif;
using SessionReport = Nono.Reports.Model.SessionReport;

namespace Nono.Action.ActionMode;

/// <summary>
/// The folder uploaded as the session artifact: the audit session as recorded (events, session.json,
/// signature bundle), report.json, report.md, violations.sarif, changes.patch and the snapshot manifests.
/// A reviewer downloads it and checks it with <c>nono audit verify</c> / <c>nono review</c>.
/// </summary>
internal static class SessionArtifact
{
    public static string Write(string directory, string stateRoot, SessionReport report, SnapshotDiff? diff, string toolVersion)
    {
        Directory.CreateDirectory(directory);
        CopyTree(Path.Combine(stateRoot, "audit", report.SessionId), Path.Combine(directory, "audit", report.SessionId));
        string ledger = Path.Combine(stateRoot, "audit", Nono.Core.Audit.AuditFormat.LedgerFile);
        if (File.Exists(ledger))
        {
            File.Copy(ledger, Path.Combine(directory, "audit", Nono.Core.Audit.AuditFormat.LedgerFile), overwrite: true);
        }

        string rollbacks = Path.Combine(stateRoot, "rollbacks", report.SessionId);
        if (Directory.Exists(rollbacks))
        {
            CopyTree(rollbacks, Path.Combine(directory, "snapshots"));
        }

        if (OperatingSystem.IsLinux())
        {
            HashSet<string> protectedPaths = [.. report.Violations.Where(v => v.RuleId == "nono." + ViolationRules.ProtectedPathChanged).Select(v => v.Subject)];
            IReadOnlyList<OmittedObject> omitted = SessionArtifactObjects.Write(directory, stateRoot, report.SessionId, diff, protectedPaths.Contains);
            if (omitted.Count > 0)
            {
                string named = string.Join(", ", omitted.Take(5).Select(o => $"{o.Path} ({o.Size} bytes: {o.Reason})"));
                report = report with { Notes = [.. report.Notes, $"{omitted.Count} file version(s) not stored in the artifact, so not restorable by review: {named}{(omitted.Count > 5 ? ", ..." : "")} (all in {SessionArtifactObjects.OmittedFileName})"] };
            }
        }

        string reportMd = Path.Combine(directory, "report.md");
        File.WriteAllText(reportMd, JobSummaryRenderer.Render(report));
        File.WriteAllText(Path.Combine(directory, "report.json"), JsonReportRenderer.Render(report));
        File.WriteAllText(Path.Combine(directory, "violations.sarif"), SarifRenderer.Render(report, toolVersion));
        File.WriteAllText(Path.Combine(directory, "changes.patch"), Patch(diff));
        return reportMd;
    }

    private static string Patch(SnapshotDiff? diff)
    {
        if (diff is null)
        {
            return "";
        }

        StringBuilder sb = new();
        foreach (SnapshotChange change in diff.Changes)
        {
            sb.Append(change.Diff ?? $"# {change.Kind.ToString().ToLowerInvariant()} {change.Path} (binary or not text, {change.SizeDelta:+#;-#;0} bytes)\n");
        }

        return sb.ToString();
    }

    private static void CopyTree(string from, string to)
    {
        if (!Directory.Exists(from))
        {
            return;
        }

        Directory.CreateDirectory(to);
        foreach (string file in Directory.EnumerateFiles(from))
        {
            // Lock files and staging areas are not part of the record.
            if (!Path.GetFileName(file).StartsWith('.'))
            {
                File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
            }
        }

        foreach (string dir in Directory.EnumerateDirectories(from))
        {
            if (!Path.GetFileName(dir).StartsWith('.'))
            {
                CopyTree(dir, Path.Combine(to, Path.GetFileName(dir)));
            }
        }
    }
}
