using Nono.Reports.Markdown;

namespace Nono.Reports.Tests.Markdown;

public sealed class PullRequestCommentRendererTests
{
    [Fact]
    public void Render_StartsWithJobMarker_SoTheCommentCanBeUpdatedInPlace()
    {
        string body = PullRequestCommentRenderer.Render(SampleReports.Clean(), "agent.yml/run-agent");

        Assert.StartsWith("<!-- nono-sandbox:agent.yml/run-agent -->\n", body);
    }

    [Fact]
    public void Marker_HostileJobKey_CannotCloseTheComment()
    {
        string marker = PullRequestCommentRenderer.Marker("job --> <b>x</b>");

        Assert.Equal(1, marker.Split("-->").Length - 1);
    }
}
