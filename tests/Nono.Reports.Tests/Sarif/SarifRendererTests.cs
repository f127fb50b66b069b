using System.Text.Json;
using Nono.Reports.Sarif;
using Nono.Testing;

namespace Nono.Reports.Tests.Sarif;

public sealed class SarifRendererTests
{
    [Fact]
    public void Render_Violations_MatchesApproved()
    {
        string sarif = SarifRenderer.Render(SampleReports.Hostile(), "0.1.0");

        Approval.Verify(sarif, "tests/Nono.Reports.Tests/Approved/violations.approved.sarif");
    }

    [Fact]
    public void Render_Violations_IsSarif210WithOneResultPerViolationAndLocationsForFiles()
    {
        using JsonDocument doc = JsonDocument.Parse(SarifRenderer.Render(SampleReports.Hostile(), "0.1.0"));

        JsonElement run = doc.RootElement.GetProperty("runs")[0];
        Assert.Equal("2.1.0", doc.RootElement.GetProperty("version").GetString());
        JsonElement results = run.GetProperty("results");
        Assert.Equal(2, results.GetArrayLength());
        Assert.Equal("error", results[0].GetProperty("level").GetString());
        Assert.False(results[0].TryGetProperty("locations", out _));
        JsonElement location = results[1].GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.Equal(".github/workflows/ci.yml", location.GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.Equal(3, location.GetProperty("region").GetProperty("startLine").GetInt32());
        Assert.Equal(2, run.GetProperty("tool").GetProperty("driver").GetProperty("rules").GetArrayLength());
    }

    [Fact]
    public void Render_FileNameWithUriSyntax_IsPercentEncodedPerSegment()
    {
        Nono.Reports.Model.SessionReport report = SampleReports.Clean() with
        {
            Violations = [new Nono.Reports.Model.ReportViolation("nono.x", Nono.Reports.Model.Severity.Error, "s", "e", "dir #1/50% a?b.yml")],
        };

        using JsonDocument doc = JsonDocument.Parse(SarifRenderer.Render(report, "0.1.0"));

        string uri = doc.RootElement.GetProperty("runs")[0].GetProperty("results")[0].GetProperty("locations")[0]
            .GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString()!;
        Assert.Equal("dir%20%231/50%25%20a%3Fb.yml", uri);
        Assert.Equal("dir #1/50% a?b.yml", Uri.UnescapeDataString(uri));
    }

    [Fact]
    public void Render_NoViolations_HasEmptyResults()
    {
        using JsonDocument doc = JsonDocument.Parse(SarifRenderer.Render(SampleReports.Clean(), "0.1.0"));

        Assert.Equal(0, doc.RootElement.GetProperty("runs")[0].GetProperty("results").GetArrayLength());
    }
}
