using System.Globalization;
using System.Text;
using Nono.Reports.Model;

namespace Nono.Reports.Markdown;

/// <summary>Renders the GitHub job summary (also the body of the PR comment).</summary>
public static class JobSummaryRenderer
{
    /// <summary>The runner refuses step summaries larger than this (1 MiB).</summary>
    public const int RunnerSummaryLimitBytes = 1024 * 1024;

    /// <summary>Renders the summary within <paramref name="maxBytes"/>, dropping whole sections when needed.</summary>
    public static string Render(SessionReport report, int maxBytes = RunnerSummaryLimitBytes)
    {
        ArgumentNullException.ThrowIfNull(report);
        List<MarkdownSection> sections =
        [
            new("verdict", Verdict(report), Essential: true),
            new("weaker enforcement", WeakerModes(report), Essential: true),
            new("overview", Overview(report)),
            new("violations", Violations(report, maxBytes / 2), Essential: true),
            new("network", Network(report)),
            new("proposed network policy", NetworkProposalSection.Render(report)),
            new("signature", Signature(report)),
            new("notes", Notes(report)),
            new("changed files", Changes(report, withDiffs: false)),
            new("diff excerpts", Changes(report, withDiffs: true)),
        ];
        return SectionBudget.Fit([.. sections.Where(s => s.Text.Length > 0)], maxBytes);
    }

    internal static string Verdict(SessionReport r)
    {
        int errors = r.Violations.Count(v => v.Severity == Severity.Error);
        int warnings = r.Violations.Count(v => v.Severity == Severity.Warning);
        if (r.Incomplete is not null)
        {
            // Whatever the counts say, they cover only what was recorded: never green.
            return $"## 🔴 nono sandbox: session record incomplete: {MarkdownText.Inline(r.Incomplete)}\n";
        }

        string icon = errors > 0 ? "🔴" : warnings > 0 ? "🟡" : "🟢";
        string result = r.Signal is not null ? r.Outcome : r.ExitCode == 0 ? "succeeded" : $"exited with {r.ExitCode.ToString(CultureInfo.InvariantCulture)}";
        return $"## {icon} nono sandbox: command {result}, {Count(errors, "error")}, {Count(warnings, "warning")}\n";
    }

    private static string WeakerModes(SessionReport r)
    {
        if (r.WeakerModes.Count == 0)
        {
            return "";
        }

        StringBuilder sb = new("> [!WARNING]\n> This session ran with **weaker enforcement**, explicitly opted into: ");
        sb.Append(string.Join(", ", r.WeakerModes.Select(MarkdownText.Code))).Append('\n');
        return sb.ToString();
    }

    private static string Overview(SessionReport r)
    {
        StringBuilder sb = new("| | |\n|---|---|\n");
        Row(sb, "Command", MarkdownText.CellCode(r.Command));
        Row(sb, "Profile", MarkdownText.CellCode(r.Profile));
        string tier = MarkdownText.Inline(r.EnforcementTier);
        if (r.LandlockAbi is int abi)
        {
            tier += $" (Landlock ABI {abi.ToString(CultureInfo.InvariantCulture)})";
        }

        Row(sb, "Enforcement", tier);
        Row(sb, "Exit code", r.Signal is not null ? r.Outcome : r.ExitCode.ToString(CultureInfo.InvariantCulture));
        Row(sb, "Duration", r.Duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s");
        Row(sb, "Session", MarkdownText.CellCode(r.SessionId));
        if (r.ArtifactName is not null)
        {
            Row(sb, "Artifact", MarkdownText.CellCode(r.ArtifactName));
        }

        return sb.ToString();
    }

    /// <summary>
    /// The violations table within <paramref name="budgetBytes"/>: errors first (a stable sort keeps their order), so
    /// the rows that fail the gate (a changed workflow among hundreds of denials) are the last to go; the rest is
    /// counted in a final "… N more" row.
    /// </summary>
    private static string Violations(SessionReport r, int budgetBytes)
    {
        if (r.Violations.Count == 0)
        {
            return "### Violations\nNone.\n";
        }

        StringBuilder sb = new("### Violations\n| Severity | Rule | Subject | Evidence |\n|---|---|---|---|\n");
        ReportViolation[] ordered = [.. r.Violations.OrderByDescending(v => v.Severity)];
        int used = Encoding.UTF8.GetByteCount(sb.ToString()) + 200; // room for the "more" row
        for (int i = 0; i < ordered.Length; i++)
        {
            string row = ViolationRow(ordered[i]);
            used += Encoding.UTF8.GetByteCount(row);
            if (used > budgetBytes)
            {
                int errors = ordered.Skip(i).Count(v => v.Severity == Severity.Error);
                sb.Append(CultureInfo.InvariantCulture, $"| … | | {ordered.Length - i} more ({errors} errors) | the session artifact has all of them |\n");
                break;
            }

            sb.Append(row);
        }

        return sb.ToString();
    }

    private static string ViolationRow(ReportViolation v)
    {
        string subject = MarkdownText.Inline(v.Subject);
        if (v.File is not null)
        {
            subject += $" ({MarkdownText.Inline(v.File)}{(v.Line is int line ? ":" + line.ToString(CultureInfo.InvariantCulture) : "")})";
        }

        return $"| {v.Severity} | {MarkdownText.Inline(v.RuleId)} | {subject} | {MarkdownText.Inline(v.DisplayEvidence)} |\n";
    }

    private static string Network(SessionReport r)
    {
        if (r.Network.Count == 0)
        {
            return "";
        }

        StringBuilder sb = new("### Network\n| Host | Allowed | Denied |\n|---|---:|---:|\n");
        foreach (NetworkHostSummary h in r.Network.OrderByDescending(h => h.Denied).ThenBy(h => h.Host, StringComparer.Ordinal))
        {
            sb.Append(CultureInfo.InvariantCulture, $"| {MarkdownText.Inline(h.Host)} | {h.Allowed} | {h.Denied} |\n");
        }

        return sb.ToString();
    }

    private static string Changes(SessionReport r, bool withDiffs)
    {
        if (!r.SnapshotsEnabled)
        {
            string why = r.Incomplete is null ? "Snapshots were off: changes were not recorded." : "Unknown: the session record is incomplete.";
            return withDiffs ? "" : $"### Changed files\n{why}\n";
        }

        if (withDiffs)
        {
            StringBuilder diffs = new();
            foreach (FileChangeSummary c in r.Changes.Where(c => !string.IsNullOrEmpty(c.DiffExcerpt)))
            {
                diffs.Append("<details><summary>").Append(MarkdownText.Inline(c.Path)).Append("</summary>\n\n")
                     .Append(MarkdownText.CodeBlock(c.DiffExcerpt!, "diff")).Append("\n</details>\n");
            }

            return diffs.Length == 0 ? "" : "### Diff excerpts\n" + diffs;
        }

        if (r.Changes.Count == 0)
        {
            return "### Changed files\nNone.\n";
        }

        StringBuilder sb = new("### Changed files\n| Change | Path | Size Δ |\n|---|---|---:|\n");
        foreach (FileChangeSummary c in r.Changes)
        {
            string delta = (c.SizeDelta >= 0 ? "+" : "") + c.SizeDelta.ToString(CultureInfo.InvariantCulture);
            sb.Append(CultureInfo.InvariantCulture, $"| {c.Kind} | {MarkdownText.Inline(c.Path)} | {delta} |\n");
        }

        return sb.ToString();
    }

    private static string Signature(SessionReport r)
    {
        if (r.Signature is null || r.Signature.Method == "none")
        {
            return "### Signature\nThis session record is **not signed**.\n";
        }

        StringBuilder sb = new("### Signature\n");
        sb.Append(CultureInfo.InvariantCulture, $"Signed ({MarkdownText.Inline(r.Signature.Method)})");
        if (r.Signature.Identity is not null)
        {
            sb.Append(" by ").Append(MarkdownText.Code(r.Signature.Identity));
        }

        sb.Append(".\n");
        if (r.Signature.VerifyCommand is not null)
        {
            sb.Append("\nVerify:\n\n").Append(MarkdownText.CodeBlock(r.Signature.VerifyCommand, "sh"));
        }

        return sb.ToString();
    }

    private static string Notes(SessionReport r) =>
        r.Notes.Count == 0 ? "" : "### Notes\n" + string.Concat(r.Notes.Select(n => $"- {MarkdownText.Inline(n)}\n"));

    private static void Row(StringBuilder sb, string name, string value) => sb.Append(CultureInfo.InvariantCulture, $"| {name} | {value} |\n");

    private static string Count(int n, string noun) => n.ToString(CultureInfo.InvariantCulture) + " " + noun + (n == 1 ? "" : "s");
}
