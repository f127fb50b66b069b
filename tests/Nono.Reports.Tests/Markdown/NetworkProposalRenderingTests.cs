using Nono.Reports.Json;
using Nono.Reports.Markdown;
using Nono.Reports.Model;
using Nono.Testing;

namespace Nono.Reports.Tests.Markdown;

/// <summary>The audit-mode proposal in the job summary: ready to paste, and untrusted host text cannot break out.</summary>
public sealed class NetworkProposalRenderingTests
{
    private static SessionReport Audit(params string[] hosts) => SampleReports.Clean() with
    {
        Network = [.. hosts.Select(h => new NetworkHostSummary(h, 2, 0)), new NetworkHostSummary("169.254.169.254", 0, 1)],
        NetworkProposal = new NetworkProposal(hosts, ["169.254.169.254"]),
    };

    [Fact]
    public void Render_AuditProposal_MatchesApproved()
    {
        string markdown = JobSummaryRenderer.Render(Audit("api.github.com", "registry.npmjs.org"));

        Approval.Verify(markdown, "tests/Nono.Reports.Tests/Approved/summary-audit-proposal.approved.md");
    }

    [Fact]
    public void Render_AuditWithoutHosts_ProposesBlocked()
    {
        string markdown = JobSummaryRenderer.Render(SampleReports.Clean() with { NetworkProposal = new NetworkProposal([], []) });

        Assert.Contains("```yaml\nnetwork: blocked\n```", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_EnforceMode_HasNoProposal()
    {
        string markdown = JobSummaryRenderer.Render(SampleReports.Clean());

        Assert.DoesNotContain("Proposed network policy", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_HostileHost_StaysInsideTheCodeBlocks()
    {
        string markdown = JobSummaryRenderer.Render(Audit("ok.example", "x\n```\n@admin \"},\"y"));

        Assert.Contains("  x ``` @admin \"},\"y\n", markdown, StringComparison.Ordinal); // one YAML line, no new key
        Assert.Contains("\"x\\n\\u0060\\u0060\\u0060\\n@admin \\u0022},\\u0022y\"", markdown, StringComparison.Ordinal); // JSON-encoded
        Assert.Contains("````yaml\n", markdown, StringComparison.Ordinal); // a fence longer than the backtick run inside
    }

    [Fact]
    public void Json_AuditProposal_IsInTheReport()
    {
        string json = JsonReportRenderer.Render(Audit("api.github.com"));

        Assert.Contains("\"network_proposal\": {", json, StringComparison.Ordinal);
        Assert.Contains("\"api.github.com\"", json, StringComparison.Ordinal);
    }
}
