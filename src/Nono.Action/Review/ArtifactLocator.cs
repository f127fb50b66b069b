using System.Globalization;
using Nono.Action.GitHub.Api;
using Nono.Core.Diagnostics;
using Octokit;

namespace Nono.Action.Review;

/// <summary>
/// Finds and downloads a session artifact through the GitHub REST API (Octokit): the run's artifacts, or for a pull
/// request its head SHA, the latest workflow run of each workflow for that SHA, and their artifacts. The download
/// endpoint answers with a redirect to a short-lived storage URL; Octokit follows it (without the token on another host).
/// </summary>
internal sealed class ArtifactLocator(IGitHubClient client)
{
    public const string DefaultPrefix = "nono-session-";

    private const string AcceptJson = "application/vnd.github+json";

    /// <summary>Downloads larger than this are refused (the listing's size is checked first, the bytes while copying).</summary>
    public const long MaxDownloadBytes = 512L * 1024 * 1024;

    /// <summary>GitHub's largest page; listings are read page by page up to <see cref="MaxPages"/> pages.</summary>
    private const int PageSize = 100;

    /// <summary>Bounds a listing at 5,000 entries, so a misbehaving server cannot keep nono paging forever.</summary>
    private const int MaxPages = 50;

    public async Task<FoundArtifact> FindAsync(ReviewTarget target, CancellationToken cancellationToken)
    {
        IReadOnlyList<(long RunId, string? Path, string? Sha)> runs = target.RunId is long run
            ? [(run, null, null)]
            : await RunsForPullRequestAsync(target, cancellationToken);
        List<FoundArtifact> candidates = [];
        foreach ((long runId, string? path, string? sha) in runs)
        {
            IReadOnlyList<Artifact> artifacts = await ListArtifactsAsync(target, runId);
            candidates.AddRange(artifacts
                .Where(a => target.ArtifactName is { } name ? a.Name == name : a.Name.StartsWith(DefaultPrefix, StringComparison.Ordinal))
                .Select(a => new FoundArtifact(a.Id, a.Name, a.SizeInBytes, runId, path, sha, a.Expired)));
        }

        string where = target.RunId is long id ? $"run {id}" : $"the latest runs of pull request #{target.PullRequest}";
        string what = target.ArtifactName is { } n ? $"artifact '{n}'" : $"artifact named {DefaultPrefix}*";
        return candidates.Count switch
        {
            0 => throw new NonoException(NonoErrorCode.InvalidPolicy, $"no {what} in {where} of {target.FullName}"),
            1 => candidates[0],
            _ => throw new NonoException(NonoErrorCode.InvalidPolicy, $"{candidates.Count} session artifacts in {where}; choose one with --artifact: {string.Join(", ", candidates.Select(c => $"{c.Name} (run {c.RunId})"))}"),
        };
    }

    /// <summary>Downloads the artifact's zip into <paramref name="destination"/>, refusing more than <see cref="MaxDownloadBytes"/>.</summary>
    public async Task DownloadAsync(ReviewTarget target, FoundArtifact artifact, string destination, CancellationToken cancellationToken)
    {
        if (artifact.Expired)
        {
            throw new NonoException(NonoErrorCode.InvalidPolicy, $"artifact '{artifact.Name}' of run {artifact.RunId} has expired (GitHub keeps artifacts for the repository's retention period)");
        }

        if (artifact.SizeInBytes > MaxDownloadBytes)
        {
            throw new NonoException(NonoErrorCode.InvalidPolicy, $"artifact '{artifact.Name}' is {artifact.SizeInBytes} bytes, more than the {MaxDownloadBytes} nono review accepts");
        }

        await using Stream zip = await client.Actions.Artifacts.DownloadArtifact(target.Owner, target.Repository, artifact.Id, "zip");
        await using FileStream file = new(destination, new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite });
        byte[] buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await zip.ReadAsync(buffer, cancellationToken)) > 0)
        {
            total += read;
            if (total > MaxDownloadBytes)
            {
                throw new NonoException(NonoErrorCode.InvalidPolicy, $"artifact '{artifact.Name}' download exceeds {MaxDownloadBytes} bytes");
            }

            await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }

    /// <summary>Every artifact of the run, page by page (a run can upload more than one page of artifacts).</summary>
    private async Task<IReadOnlyList<Artifact>> ListArtifactsAsync(ReviewTarget target, long runId)
    {
        List<Artifact> all = [];
        for (int page = 1; page <= MaxPages; page++)
        {
            ListArtifactsResponse listed = await client.Actions.Artifacts.ListWorkflowArtifacts(target.Owner, target.Repository, runId, new ListArtifactsRequest { PerPage = PageSize, Page = page });
            all.AddRange(listed.Artifacts);
            if (listed.Artifacts.Count < PageSize || all.Count >= listed.TotalCount)
            {
                break;
            }
        }

        return all;
    }

    /// <summary>The pull request's head SHA, then for each workflow the latest run on that SHA (newest first).</summary>
    private async Task<IReadOnlyList<(long, string?, string?)>> RunsForPullRequestAsync(ReviewTarget target, CancellationToken cancellationToken)
    {
        Uri pullUri = new($"repos/{target.Owner}/{target.Repository}/pulls/{target.PullRequest}", UriKind.Relative);
        PullRequestDto pull = (await client.Connection.Get<PullRequestDto>(pullUri, null, AcceptJson, cancellationToken)).Body;
        Uri runsUri = new($"repos/{target.Owner}/{target.Repository}/actions/runs", UriKind.Relative);
        List<WorkflowRunDto> runs = [];
        for (int page = 1; page <= MaxPages; page++)
        {
            Dictionary<string, string> query = new()
            {
                ["head_sha"] = pull.Head.Sha,
                ["per_page"] = PageSize.ToString(CultureInfo.InvariantCulture),
                ["page"] = page.ToString(CultureInfo.InvariantCulture),
            };
            WorkflowRunListDto listed = (await client.Connection.Get<WorkflowRunListDto>(runsUri, query, AcceptJson, cancellationToken)).Body;
            runs.AddRange(listed.WorkflowRuns);
            if (listed.WorkflowRuns.Count < PageSize || runs.Count >= listed.TotalCount)
            {
                break;
            }
        }

        List<(long, string?, string?)> latest = [.. runs
            .Where(r => r.HeadSha == pull.Head.Sha)
            .GroupBy(r => r.Path ?? r.Name ?? "")
            .Select(g => g.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.RunAttempt).First())
            .OrderByDescending(r => r.CreatedAt)
            .Select(r => (r.Id, r.Path, r.HeadSha))];
        return latest.Count > 0
            ? latest
            : throw new NonoException(NonoErrorCode.InvalidPolicy, $"no workflow run for the head {pull.Head.Sha} of pull request #{pull.Number} in {target.FullName}");
    }
}
