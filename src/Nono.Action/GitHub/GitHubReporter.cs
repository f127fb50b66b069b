using System.IO.Compression;
using System.Text;
using Nono.Action.GitHub.Api;
using Nono.Reports.Model;
using Octokit;

namespace Nono.Action.GitHub;

/// <summary>Publishes a session's verdict through the GitHub REST API (Octokit): check run, PR comment, SARIF.</summary>
internal sealed class GitHubReporter(IGitHubClient client, string owner, string repository)
{
    /// <summary>Creates a completed check run; annotations beyond the first 50 are appended by updates, 50 at a time.</summary>
    public async Task<long> PublishCheckRunAsync(string name, string headSha, bool passed, string title, string summaryMarkdown, IReadOnlyList<ReportViolation> violations)
    {
        List<NewCheckRunAnnotation> annotations = [.. violations.Where(v => v.File is not null).Select(ToAnnotation)];
        IReadOnlyList<NewCheckRunAnnotation>[] batches = [.. AnnotationBudget.Batches(annotations)];
        NewCheckRun create = new(name, headSha)
        {
            Status = CheckStatus.Completed,
            Conclusion = passed ? CheckConclusion.Success : CheckConclusion.Failure,
            CompletedAt = DateTimeOffset.UtcNow,
            Output = new NewCheckRunOutput(title, summaryMarkdown) { Annotations = batches.Length > 0 ? batches[0] : null },
        };
        CheckRun run = await client.Check.Run.Create(owner, repository, create);
        foreach (IReadOnlyList<NewCheckRunAnnotation> batch in batches.Skip(1))
        {
            await client.Check.Run.Update(owner, repository, run.Id, new CheckRunUpdate { Output = new NewCheckRunOutput(title, summaryMarkdown) { Annotations = batch } });
        }

        return run.Id;
    }

    /// <summary>
    /// Updates this job's comment or creates it: one comment per job, not one per run. Only a comment by the token's own
    /// identity counts as this job's: anyone can post the marker (a fake green report, or a comment nono cannot edit).
    /// </summary>
    public async Task<long> UpsertPullRequestCommentAsync(int pullRequest, string marker, string body)
    {
        string identity = await IdentityAsync();
        IReadOnlyList<IssueComment> comments = await client.Issue.Comment.GetAllForIssue(owner, repository, pullRequest);
        IssueComment? mine = comments.LastOrDefault(c =>
            string.Equals(c.User?.Login, identity, StringComparison.OrdinalIgnoreCase) && c.Body is not null && c.Body.StartsWith(marker, StringComparison.Ordinal));
        if (mine is not null)
        {
            try
            {
                return (await client.Issue.Comment.Update(owner, repository, mine.Id, body)).Id;
            }
            catch (ApiException ex) when (ex.StatusCode is System.Net.HttpStatusCode.Forbidden or System.Net.HttpStatusCode.NotFound)
            {
                // Not editable after all (the identity was a guess, or the comment went): the verdict still gets posted.
            }
        }

        return (await client.Issue.Comment.Create(owner, repository, pullRequest, body)).Id;
    }

    /// <summary>The login the token comments as: its user's, or github-actions[bot] for an installation token (GITHUB_TOKEN cannot read /user).</summary>
    private async Task<string> IdentityAsync()
    {
        try
        {
            return (await client.User.Current()).Login;
        }
        catch (ApiException ex) when (ex.StatusCode is System.Net.HttpStatusCode.Forbidden or System.Net.HttpStatusCode.NotFound)
        {
            return "github-actions[bot]";
        }
    }

    /// <summary>Uploads SARIF to code scanning (gzip, then base64, as the API requires).</summary>
    public async Task<string> UploadSarifAsync(string commitSha, string gitRef, string sarif)
    {
        using MemoryStream compressed = new();
        using (GZipStream gzip = new(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(sarif));
        }

        SarifUploadRequest request = new(commitSha, gitRef, Convert.ToBase64String(compressed.ToArray()), "nono");
        IApiResponse<SarifUploadResponse> response = await client.Connection.Post<SarifUploadResponse>(
            new Uri($"repos/{owner}/{repository}/code-scanning/sarifs", UriKind.Relative), request, "application/vnd.github+json", "application/json");
        return response.Body.Id;
    }

    private static NewCheckRunAnnotation ToAnnotation(ReportViolation v)
    {
        CheckAnnotationLevel level = v.Severity switch
        {
            Severity.Error => CheckAnnotationLevel.Failure,
            Severity.Warning => CheckAnnotationLevel.Warning,
            _ => CheckAnnotationLevel.Notice,
        };
        int line = v.Line ?? 1;
        return new NewCheckRunAnnotation(v.File, line, line, level, $"{v.Subject}: {v.DisplayEvidence}") { Title = v.RuleId };
    }
}
