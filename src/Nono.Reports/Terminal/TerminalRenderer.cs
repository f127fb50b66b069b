using System.Globalization;
using Nono.Reports.Model;

namespace Nono.Reports.Terminal;

/// <summary>Renders a session report as plain text for a terminal (no colour codes; safe to pipe).</summary>
public static class TerminalRenderer
{
    /// <summary>Writes the report.</summary>
    public static void Render(SessionReport report, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine($"session   {Clean(report.SessionId)}");
        output.WriteLine($"command   {Clean(report.Command)}");
        output.WriteLine($"profile   {Clean(report.Profile)}");
        string abi = report.LandlockAbi is int a ? $" (Landlock ABI {a.ToString(CultureInfo.InvariantCulture)})" : "";
        output.WriteLine($"enforced  {Clean(report.EnforcementTier)}{abi}");
        if (report.WeakerModes.Count > 0)
        {
            output.WriteLine($"WEAKER    {string.Join(", ", report.WeakerModes.Select(Clean))}");
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"exit      {(report.Signal is null ? report.ExitCode : report.Outcome)} after {report.Duration.TotalSeconds:0.0} s"));
        output.WriteLine($"violations {report.Violations.Count.ToString(CultureInfo.InvariantCulture)}");
        foreach (ReportViolation v in report.Violations.OrderByDescending(v => v.Severity))
        {
            string where = v.File is null ? "" : $" [{Clean(v.File)}{(v.Line is int l ? ":" + l.ToString(CultureInfo.InvariantCulture) : "")}]";
            output.WriteLine($"  {v.Severity.ToString().ToUpperInvariant(),-7} {Clean(v.RuleId)} {Clean(v.Subject)}{where}: {Clean(v.DisplayEvidence)}");
        }

        foreach (NetworkHostSummary h in report.Network)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  net {Clean(h.Host)} allowed {h.Allowed} denied {h.Denied}"));
        }

        if (report.SnapshotsEnabled)
        {
            output.WriteLine($"changes   {report.Changes.Count.ToString(CultureInfo.InvariantCulture)}");
            foreach (FileChangeSummary c in report.Changes)
            {
                output.WriteLine($"  {c.Kind.ToString().ToLowerInvariant(),-12} {Clean(c.Path)}");
            }
        }
    }

    /// <summary>Removes control and format characters (terminal escapes, bidi overrides) from untrusted text.</summary>
    internal static string Clean(string text) => TerminalText.Line(text);
}
