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

    [Fact]
    public void Render_HostileText_CannotInjectMarkupOrMentions()
    {
        string markdown = JobSummaryRenderer.Render(SampleReports.Hostile());

        Assert.DoesNotContain("<script>", markdown);
        Assert.DoesNotContain("@admin", markdown);
        Assert.DoesNotContain("evil.example|com", markdown);
        Assert.Contains("evil.example&#124;com", markdown);
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
