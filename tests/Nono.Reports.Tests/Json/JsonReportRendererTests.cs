using Nono.Reports.Json;
using Nono.Reports.Model;

namespace Nono.Reports.Tests.Json;

public sealed class JsonReportRendererTests
{
    [Fact]
    public void Render_ThenParse_RoundTripsEveryField()
    {
        SessionReport original = SampleReports.Hostile();

        SessionReport? parsed = JsonReportRenderer.Parse(JsonReportRenderer.Render(original));

        Assert.NotNull(parsed);
        Assert.Equal(original.SessionId, parsed.SessionId);
        Assert.Equal(original.Duration, parsed.Duration);
        Assert.Equal(original.Violations, parsed.Violations);
        Assert.Equal(original.Network, parsed.Network);
        Assert.Equal(original.Changes, parsed.Changes);
        Assert.Equal(original.WeakerModes, parsed.WeakerModes);
        Assert.Equal(original.Signature, parsed.Signature);
    }

    [Fact]
    public void Render_UsesSnakeCaseAndStringEnums()
    {
        string json = JsonReportRenderer.Render(SampleReports.Hostile());

        Assert.Contains("\"session_id\"", json);
        Assert.Contains("\"rule_id\"", json);
        Assert.Contains("\"Error\"", json);
    }
}
