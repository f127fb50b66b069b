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
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class SessionArtifact
{
    /// <summary>The rendered report's name in the folder (the <c>report</c> output).</summary>
    public const string ReportFile = "report.md";

    /// <summary>
    /// Fills <paramref name="directory"/> (a fresh folder nono made) by descriptor: each file is created new without
    /// following a link, so nothing a sandboxed command left behind in a granted runner.temp is written through.
    /// </summary>
    public static void Write(NoFollowDirectory directory, string stateRoot, SessionReport report, SnapshotDiff? diff, string toolVersion)
    {
        using (NoFollowDirectory audit = directory.CreateDirectory("audit"))
        {
            using (NoFollowDirectory session = audit.CreateDirectory(report.SessionId))
            {
                CopyTree(Path.Combine(stateRoot, "audit", report.SessionId), session);
            }

            string ledger = Path.Combine(stateRoot, "audit", Nono.Core.Audit.AuditFormat.LedgerFile);
            if (File.Exists(ledger))
            {
                audit.WriteNewFile(Nono.Core.Audit.AuditFormat.LedgerFile, File.ReadAllBytes(ledger));
            }
        }

        string rollbacks = Path.Combine(stateRoot, "rollbacks", report.SessionId);
        if (Directory.Exists(rollbacks))
        {
            using NoFollowDirectory snapshots = directory.CreateDirectory("snapshots");
            CopyTree(rollbacks, snapshots);
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

        directory.WriteNewFile(ReportFile, Encoding.UTF8.GetBytes(JobSummaryRenderer.Render(report)));
        directory.WriteNewFile("report.json", Encoding.UTF8.GetBytes(JsonReportRenderer.Render(report)));
        directory.WriteNewFile("violations.sarif", Encoding.UTF8.GetBytes(SarifRenderer.Render(report, toolVersion)));
        directory.WriteNewFile("changes.patch", Encoding.UTF8.GetBytes(Patch(diff)));
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

    /// <summary>Copies nono's own state (never granted to a sandbox) into the artifact folder.</summary>
    private static void CopyTree(string from, NoFollowDirectory to)
    {
        if (!Directory.Exists(from))
        {
            return;
        }

        foreach (string file in Directory.EnumerateFiles(from))
        {
            // Lock files and staging areas are not part of the record.
            if (!Path.GetFileName(file).StartsWith('.'))
            {
                to.WriteNewFile(Path.GetFileName(file), File.ReadAllBytes(file));
            }
        }

        foreach (string dir in Directory.EnumerateDirectories(from))
        {
            if (!Path.GetFileName(dir).StartsWith('.'))
            {
                using NoFollowDirectory child = to.CreateDirectory(Path.GetFileName(dir));
                CopyTree(dir, child);
            }
        }
    }
}
