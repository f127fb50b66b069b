using Nono.Reports.Model;

namespace Nono.Reports.Markdown;

/// <summary>
/// Renders the PR comment: the job summary under a hidden marker that identifies the job, so the
/// action finds and updates its own comment instead of adding one per run.
/// </summary>
public static class PullRequestCommentRenderer
{
    /// <summary>GitHub rejects comment bodies longer than 65,536 characters; stay well below in bytes.</summary>
    public const int CommentLimitBytes = 60_000;

    /// <summary>The marker line for a job key (workflow + job name). The key is reduced to safe characters.</summary>
    public static string Marker(string jobKey)
    {
        ArgumentNullException.ThrowIfNull(jobKey);
        string safe = new([.. jobKey.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' ? c : '_')]);
        return $"<!-- nono-sandbox:{safe} -->";
    }

    /// <summary>Renders the comment body for <paramref name="jobKey"/>.</summary>
    public static string Render(SessionReport report, string jobKey)
    {
        string marker = Marker(jobKey);
        return marker + "\n" + JobSummaryRenderer.Render(report, CommentLimitBytes - marker.Length - 1);
    }
}
