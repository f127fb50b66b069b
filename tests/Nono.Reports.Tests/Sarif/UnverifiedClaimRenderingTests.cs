using System.Text.Json;
using Nono.Reports.Json;
using Nono.Reports.Markdown;
using Nono.Reports.Model;
using Nono.Reports.Sarif;
using Nono.Reports.Terminal;
using Nono.Testing;

namespace Nono.Reports.Tests.Sarif;

public sealed class UnverifiedClaimRenderingTests
{
    private static SessionReport WithClaim() => SampleReports.Clean() with
    {
        Violations =
        [
            new ReportViolation("nono.filesystem-denied", Severity.Warning, "/etc/shadow", "read /etc/shadow denied [seen by seccomp-observer]", UnverifiedClaim: true),
            new ReportViolation("nono.filesystem-denied", Severity.Warning, "/etc/passwd", "write /etc/passwd denied [seen by landlock-audit]"),
        ],
    };

    [Fact]
    public void Sarif_MarksOnlyTheClaim_WithAPropertyAndTheMarker()
    {
        using JsonDocument doc = JsonDocument.Parse(SarifRenderer.Render(WithClaim(), "0.1.0"));

        JsonElement results = doc.RootElement.GetProperty("runs")[0].GetProperty("results");
        Assert.True(results[0].GetProperty("properties").GetProperty("nono/unverifiedClaim").GetBoolean());
        Assert.StartsWith("/etc/shadow: unverified claim: read", results[0].GetProperty("message").GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.False(results[1].TryGetProperty("properties", out _));
        Assert.DoesNotContain("unverified", results[1].GetProperty("message").GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void SummaryAndTerminal_ShowTheMarkerFromTheFlag_Once()
    {
        SessionReport report = WithClaim();
        SessionReport alreadyMarked = report with { Violations = [report.Violations[0] with { Evidence = ReportViolation.ClaimMarker + report.Violations[0].Evidence }] };
        StringWriter terminal = new();

        string summary = JobSummaryRenderer.Render(report, 1024 * 1024);
        TerminalRenderer.Render(alreadyMarked, terminal);

        Assert.Contains("| unverified claim: read /etc/shadow denied", summary, StringComparison.Ordinal);
        Assert.Contains("| write /etc/passwd denied", summary, StringComparison.Ordinal);
        Assert.Single(terminal.ToString().Split(ReportViolation.ClaimMarker)[1..]);
    }

    [Fact]
    public void Json_KeepsTheFlag_AndOmitsItWhenFalse()
    {
        string json = JsonReportRenderer.Render(WithClaim());

        SessionReport? parsed = JsonReportRenderer.Parse(json);

        Assert.Equal([true, false], parsed!.Violations.Select(v => v.UnverifiedClaim));
        Assert.Single(json.Split("\"unverified_claim\"")[1..]);
    }
}
