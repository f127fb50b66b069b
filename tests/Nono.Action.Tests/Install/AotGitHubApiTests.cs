using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Nono.Action.Tests.ActionMode;
using Nono.Reports.Markdown;
using Nono.Testing;
using Nono.Testing.FakeGitHub;

namespace Nono.Action.Tests.Install;

/// <summary>
/// The GitHub API paths of the NativeAOT binary (NONO_AOT_BINARY, which .ci/run publishes): Octokit is trimmed there,
/// and a member it reaches by reflection that the trimmer dropped shows up as a silent null, a wrong string or an
/// exception, never under the JIT. So this checks the values the GitHub stand-in received and the fields nono read back.
/// </summary>
public sealed class AotGitHubApiTests
{
    private const int PullRequest = 7;
    private const long RunId = 42;
    private readonly string _token = "ghs_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(18));

    [Fact]
    public async Task AotAction_PublishesCheckRunCommentAndSarif_ThenAotReviewFindsAndVerifiesTheArtifact()
    {
        string? nono = Environment.GetEnvironmentVariable("NONO_AOT_BINARY");
        Assert.SkipWhen(string.IsNullOrEmpty(nono), "NONO_AOT_BINARY is not set (.ci/run publishes the NativeAOT binary and sets it)");
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using FakeGitHubServer github = new();
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using ActionStep runner = new(TestUser.Current);
        string marker = PullRequestCommentRenderer.Marker("agent.yml/agent");
        long foreign = github.AddComment(PullRequest, "LGTM");
        long earlier = github.AddComment(PullRequest, marker + "\nan earlier run", "github-actions[bot]");
        File.WriteAllText(Path.Combine(runner.RunnerTemp, "event.json"), "{\"pull_request\":{\"number\":7}}");
        runner.JobEnvironment["NONO_BIN"] = Path.GetFullPath(nono!);
        runner.JobEnvironment["GITHUB_API_URL"] = github.BaseAddress.ToString();
        runner.JobEnvironment["GITHUB_EVENT_NAME"] = "pull_request";
        runner.JobEnvironment["NONO_SIGNING_KEY"] = key.ExportPkcs8PrivateKeyPem();

        (ProcessResult step, _, Dictionary<string, string> outputs) = await runner.RunAsync(new()
        {
            ["run"] = "echo x >> .github/workflows/ci.yml",
            ["fail-on"] = "none",
            ["sign"] = "key",
            ["check-run"] = "true",
            ["pr-comment"] = "true",
            ["sarif"] = "true",
            ["github-token"] = _token,
        });

        Assert.True(step.ExitCode == 0, step.ToString());
        Assert.DoesNotContain("publishing to GitHub failed", step.StandardOutput, StringComparison.Ordinal);
        Assert.All(github.Requests, r => Assert.Equal("Token " + _token, r.Authorization));
        string sha = "0123456789abcdef0123456789abcdef01234567";

        // Check run: the request's enum strings and the annotation come from Octokit models built in the AOT binary.
        JsonObject run = Assert.Single(github.CheckRuns.Values);
        Assert.Equal("nono sandbox", run["name"]!.GetValue<string>());
        Assert.Equal(sha, run["head_sha"]!.GetValue<string>());
        Assert.Equal("completed", run["status"]!.GetValue<string>());
        Assert.Equal("success", run["conclusion"]!.GetValue<string>());
        Assert.Equal("1 violation(s)", run["output"]!["title"]!.GetValue<string>());
        JsonObject annotation = Assert.Single(github.Annotations[run["id"]!.GetValue<long>()]);
        Assert.Equal(".github/workflows/ci.yml", annotation["path"]!.GetValue<string>());
        Assert.Equal("failure", annotation["annotation_level"]!.GetValue<string>());
        Assert.Equal("nono.protected-path-changed", annotation["title"]!.GetValue<string>());

        // PR comment: the earlier run's comment was found by its body and updated by its id; the other is untouched.
        List<JsonObject> comments = github.Comments[PullRequest];
        Assert.Equal(2, comments.Count);
        Assert.Equal("LGTM", Body(comments, foreign));
        Assert.StartsWith(marker + "\n", Body(comments, earlier), StringComparison.Ordinal);
        Assert.Contains(".github/workflows/ci.yml", Body(comments, earlier), StringComparison.Ordinal);
        Assert.Contains(github.Requests, r => r.Method == "PATCH" && r.Path == $"/repos/octo/repo/issues/comments/{earlier}");

        // SARIF: gzip + base64 of the log, for this commit and ref.
        JsonObject sarif = Assert.Single(github.SarifUploads);
        Assert.Equal(sha, sarif["commit_sha"]!.GetValue<string>());
        Assert.Equal("refs/heads/main", sarif["ref"]!.GetValue<string>());
        Assert.Contains("nono.protected-path-changed", sarif["sarif"]!.GetValue<string>(), StringComparison.Ordinal);

        // Review through the same binary: pull request, workflow runs, artifact listing (query parameters from the
        // request model), the redirected download, and the artifact fields printed back.
        using MemoryStream zip = new();
        ZipFile.CreateFromDirectory(outputs["artifact-dir"], zip);
        byte[] zipBytes = zip.ToArray();
        github.AddWorkflowRun(RunId, ".github/workflows/agent.yml", sha, DateTimeOffset.UtcNow.AddMinutes(-5));
        github.AddPullRequest(PullRequest, sha);
        long artifact = github.AddArtifact(RunId, outputs["artifact-name"], zipBytes);
        File.WriteAllText(Path.Combine(runner.Home, "nono.pub"), key.ExportSubjectPublicKeyInfoPem());

        ProcessResult review = await Review(nono!, runner.Home, ["--pr", PullRequest.ToString(System.Globalization.CultureInfo.InvariantCulture)], github.BaseAddress, ct);

        Assert.True(review.ExitCode == 0, review.ToString());
        Assert.Contains($"artifact  {outputs["artifact-name"]} (id {artifact}, run {RunId}, {zipBytes.Length} bytes)", review.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("verified (signed with the given key)", review.StandardOutput, StringComparison.Ordinal);
        Assert.Contains(github.Requests, r => r.Path == $"/repos/octo/repo/actions/runs/{RunId}/artifacts?per_page=100&page=1");
        Assert.Null(Assert.Single(github.StorageRequests).Authorization);

        // An API error keeps GitHub's own message (Octokit parses the error body by reflection).
        ProcessResult missing = await Review(nono!, runner.Home, ["--run", "1"], new Uri(github.BaseAddress, "elsewhere/"), ct);
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal("nono: GitHub API answered HTTP 404: Not Found", missing.StandardError.Trim());
    }

    private static string Body(List<JsonObject> comments, long id) =>
        comments.Single(c => c["id"]!.GetValue<long>() == id)["body"]!.GetValue<string>();

    private Task<ProcessResult> Review(string nono, string home, string[] which, Uri api, CancellationToken ct) =>
        ProcessRunner.RunAsync(nono, ["review", "--repo", "octo/repo", .. which, "--public-key-file", "nono.pub", "--api-url", api.ToString()],
            environment: new Dictionary<string, string> { ["GITHUB_TOKEN"] = _token, ["HOME"] = home, ["PATH"] = "/usr/bin:/bin" },
            workingDirectory: home, timeout: TimeSpan.FromMinutes(2), cancellationToken: ct);
}
