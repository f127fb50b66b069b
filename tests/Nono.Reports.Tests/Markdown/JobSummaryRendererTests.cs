using System.Text;
using Nono.Reports.Markdown;
using Nono.Reports.Model;
using Nono.Testing;

namespace Nono.Reports.Tests.Markdown;

public sealed class JobSummaryRendererTests
{
    [Fact]
    public void Render_CleanSession_MatchesApproved()
    {
        string markdown = JobSummaryRenderer.Render(SampleReports.Clean());

        Approval.Verify(markdown, "tests/Nono.Reports.Tests/Approved/summary-clean.approved.md");
    }

    [Fact]
    public void Render_HostileSession_MatchesApproved()
    {
        string markdown = JobSummaryRenderer.Render(SampleReports.Hostile());

        Approval.Verify(markdown, "tests/Nono.Reports.Tests/Approved/summary-hostile.approved.md");
    }

    /// <summary>Review S-A: a command killed by a signal is reported as such, in the heading and the overview; exit codes unchanged.</summary>
    [Fact]
    public void Render_KilledBySignal_ShowsTheSignalNotAnExitCode()
    {
        string killed = JobSummaryRenderer.Render(SampleReports.Clean() with { ExitCode = 137, Signal = 9 });
        string exited = JobSummaryRenderer.Render(SampleReports.Clean() with { ExitCode = 3 });
        StringWriter terminal = new();
        Nono.Reports.Terminal.TerminalRenderer.Render(SampleReports.Clean() with { ExitCode = 137, Signal = 9 }, terminal);

        Assert.Contains("command killed by signal 9,", killed, StringComparison.Ordinal);
        Assert.Contains("| Exit code | killed by signal 9 |", killed, StringComparison.Ordinal);
        Assert.DoesNotContain("succeeded", killed, StringComparison.Ordinal);
        Assert.Contains("command exited with 3,", exited, StringComparison.Ordinal);
        Assert.Contains("exit      killed by signal 9 after", terminal.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_HostileText_CannotInjectMarkupOrMentions()
    {
        string markdown = JobSummaryRenderer.Render(SampleReports.Hostile());

        Assert.DoesNotContain("<script>", markdown);
        Assert.DoesNotContain("evil.example|com", markdown);
        Assert.Contains("evil.example&#124;com", markdown);
        AssertNoMentionOrReference(markdown);
    }

    [Fact]
    public void Render_MentionsAndIssueReferences_DoNotResolveOnceRendered()
    {
        SessionReport report = SampleReports.Clean() with
        {
            Changes = [new FileChangeSummary("@myorg/security-team org/repo#1 #22 GH-3 gh-4", FileChangeKind.Created, 1, null)],
            Violations = [new ReportViolation("nono.x", Severity.Error, "@admin", "see #5 and other/repo#6")],
        };

        string summary = JobSummaryRenderer.Render(report);
        string comment = PullRequestCommentRenderer.Render(report, "job");

        AssertNoMentionOrReference(summary);
        AssertNoMentionOrReference(comment);
        Assert.Contains("security", summary, StringComparison.Ordinal); // the text is still shown
    }

    [Fact]
    public void Render_IncompleteSession_IsRedAndDoesNotBlameSnapshots()
    {
        string markdown = JobSummaryRenderer.Render(SampleReports.Clean() with { Incomplete = "the final snapshot is missing", SnapshotsEnabled = false });

        Assert.StartsWith("## 🔴 nono sandbox: session record incomplete: the final snapshot is missing", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("🟢", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("Snapshots were off", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ManyDenials_KeepEveryErrorRowAndCountTheRest()
    {
        ReportViolation[] denials = [.. Enumerable.Range(0, 2000).Select(i => new ReportViolation("nono.network-denied", Severity.Warning, $"host{i}.example:443", "CONNECT denied by policy"))];
        ReportViolation workflow = new("nono.protected-path-changed", Severity.Error, ".github/workflows/ci.yml", "protected path modified", ".github/workflows/ci.yml");
        SessionReport report = SampleReports.Clean() with { Violations = [.. denials, workflow] };

        string markdown = JobSummaryRenderer.Render(report, maxBytes: PullRequestCommentRenderer.CommentLimitBytes);

        Assert.True(Encoding.UTF8.GetByteCount(markdown) <= PullRequestCommentRenderer.CommentLimitBytes);
        Assert.Contains("| Error | nono.protected\\-path\\-changed | .github/workflows/ci.yml", markdown, StringComparison.Ordinal);
        Assert.Matches(@"\| … \| \| [0-9]+ more \(0 errors\) \|", markdown);
        Assert.Contains("host0.example", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_PipeInACodeSpanInATableCell_IsEscaped()
    {
        string markdown = JobSummaryRenderer.Render(SampleReports.Clean() with { Command = "a | b" });

        Assert.Contains("| Command | `a \\| b` |", markdown, StringComparison.Ordinal);
    }

    /// <summary>
    /// What GitHub's mention and reference resolution sees: the rendered text outside code, with entities decoded and escapes gone.
    /// (The old check for a literal "@admin" passed while "&amp;#64;admin" still rendered as a mention.)
    /// </summary>
    private static void AssertNoMentionOrReference(string markdown)
    {
        // Code spans are left out: GitHub resolves no mention or reference inside code (the workflow ref of a signing identity
        // is shown that way, "agent.yml@refs/heads/main").
        string prose = System.Text.RegularExpressions.Regex.Replace(markdown, @"(`+)[^`]*?\1", "");
        string rendered = System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(prose, @"\\(\p{P}|\p{S})", "$1"));
        Assert.DoesNotMatch(@"@[A-Za-z0-9]", rendered);
        Assert.DoesNotMatch(@"#[0-9]", rendered);
        Assert.DoesNotMatch(@"(?i)GH-[0-9]", rendered);
    }

    [Fact]
    public void Render_WeakerMode_IsAlwaysShownEvenWhenOverBudget()
    {
        string markdown = JobSummaryRenderer.Render(SampleReports.Hostile(), maxBytes: 200);

        Assert.Contains("weaker enforcement", markdown);
        Assert.Contains("Omitted to stay within the size limit", markdown);
    }

    [Fact]
    public void Render_OverBudget_DropsWholeSectionsAndStaysUnderLimit()
    {
        FileChangeSummary[] many = [.. Enumerable.Range(0, 20_000).Select(i => new FileChangeSummary($"src/file{i}.cs", FileChangeKind.Modified, i, "+x\n"))];
        SessionReport big = SampleReports.Hostile() with { Changes = many };

        string markdown = JobSummaryRenderer.Render(big, maxBytes: 64 * 1024);

        Assert.True(Encoding.UTF8.GetByteCount(markdown) <= 64 * 1024);
        Assert.Contains("### Violations", markdown);
        Assert.DoesNotContain("### Changed files", markdown);
        Assert.Contains("changed files", markdown);
        int tableRows = markdown.Split('\n').Count(l => l.StartsWith("| Modified |", StringComparison.Ordinal));
        Assert.Equal(0, tableRows);
    }

    [Fact]
    public void Render_SnapshotsOff_SaysChangesUnknownNotNone()
    {
        string markdown = JobSummaryRenderer.Render(SampleReports.Clean() with { SnapshotsEnabled = false, Changes = [] });

        Assert.Contains("Snapshots were off", markdown);
    }
}
