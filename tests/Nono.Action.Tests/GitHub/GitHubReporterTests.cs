using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Nono.Action.GitHub;
using Nono.Action.GitHub.Api;
using Nono.Core.Diagnostics;
using Nono.Reports.Model;
using Nono.Testing.FakeGitHub;
using Octokit;

namespace Nono.Action.Tests.GitHub;

public sealed class GitHubReporterTests
{
    private static readonly string s_token = "ghs_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(18));

    [Fact]
    public async Task PublishCheckRun_120FileViolations_CreateThenUpdatesOf50EachWithAllAnnotations()
    {
        await using FakeGitHubServer github = new();
        GitHubReporter reporter = new(GitHubClientFactory.Create(github.BaseAddress, s_token), "o", "r");
        ReportViolation[] violations = [.. Enumerable.Range(1, 120).Select(i => new ReportViolation("nono.fs.denied", Severity.Error, $"src/f{i}.cs", "denied", $"src/f{i}.cs", i))];

        long id = await reporter.PublishCheckRunAsync("nono sandbox", "0123abcd", passed: false, "2 violations", "## summary", violations);

        List<RecordedRequest> sent = [.. github.Requests];
        Assert.Equal(["POST", "PATCH", "PATCH"], sent.Select(r => r.Method));
        Assert.All(sent, r => Assert.EndsWith(" " + s_token, r.Authorization));
        Assert.Equal(120, github.Annotations[id].Count);
        Assert.Equal("failure", github.CheckRuns[id]["conclusion"]!.GetValue<string>());
        Assert.Equal("failure", github.Annotations[id][0]["annotation_level"]!.GetValue<string>());
        Assert.Equal(120, github.Annotations[id][^1]["start_line"]!.GetValue<int>());
    }

    [Fact]
    public async Task UpsertComment_SecondRun_UpdatesTheSameCommentAndLeavesOthersAlone()
    {
        await using FakeGitHubServer github = new();
        long foreign = github.AddComment(7, "LGTM");
        GitHubReporter reporter = new(GitHubClientFactory.Create(github.BaseAddress, s_token), "o", "r");
        string marker = "<!-- nono-sandbox:ci.yml/agent -->";

        long first = await reporter.UpsertPullRequestCommentAsync(7, marker, marker + "\nrun 1");
        long second = await reporter.UpsertPullRequestCommentAsync(7, marker, marker + "\nrun 2");

        Assert.Equal(first, second);
        List<JsonObject> comments = github.Comments[7];
        Assert.Equal(2, comments.Count);
        Assert.Equal("LGTM", comments.Single(c => c["id"]!.GetValue<long>() == foreign)["body"]!.GetValue<string>());
        Assert.Equal(marker + "\nrun 2", comments.Single(c => c["id"]!.GetValue<long>() == first)["body"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("octo-bot")]
    public async Task UpsertComment_ForeignCommentWithTheMarker_IsNeitherUpdatedNorTrusted(string? tokenLogin)
    {
        await using FakeGitHubServer github = new() { TokenLogin = tokenLogin };
        string marker = "<!-- nono-sandbox:ci.yml/agent -->";
        long fake = github.AddComment(7, marker + "\n## 🟢 all clean (fake)", login: "pr-author");
        GitHubReporter reporter = new(GitHubClientFactory.Create(github.BaseAddress, s_token), "o", "r");

        long first = await reporter.UpsertPullRequestCommentAsync(7, marker, marker + "\nrun 1");
        long second = await reporter.UpsertPullRequestCommentAsync(7, marker, marker + "\nrun 2");

        Assert.NotEqual(fake, first);
        Assert.Equal(first, second); // the token's own comment is found and updated on the next run
        List<JsonObject> comments = github.Comments[7];
        Assert.Equal(marker + "\n## 🟢 all clean (fake)", comments.Single(c => c["id"]!.GetValue<long>() == fake)["body"]!.GetValue<string>());
        JsonObject mine = comments.Single(c => c["id"]!.GetValue<long>() == first);
        Assert.Equal(marker + "\nrun 2", mine["body"]!.GetValue<string>());
        Assert.Equal(github.TokenIdentity, mine["user"]!["login"]!.GetValue<string>());
        Assert.DoesNotContain(github.Requests, r => r.Method == "PATCH" && r.Path.EndsWith("/" + fake, StringComparison.Ordinal));
    }

    [Fact]
    public async Task UploadSarif_SendsGzipBase64ThatDecodesToTheLog()
    {
        await using FakeGitHubServer github = new();
        GitHubReporter reporter = new(GitHubClientFactory.Create(github.BaseAddress, s_token), "o", "r");
        string sarif = "{\"version\":\"2.1.0\",\"runs\":[]}";

        string id = await reporter.UploadSarifAsync("0123abcd", "refs/pull/7/merge", sarif);

        Assert.False(string.IsNullOrEmpty(id));
        JsonObject upload = Assert.Single(github.SarifUploads);
        Assert.Equal(sarif, upload["sarif"]!.GetValue<string>());
        Assert.Equal("refs/pull/7/merge", upload["ref"]!.GetValue<string>());
        Assert.Equal("0123abcd", upload["commit_sha"]!.GetValue<string>());
    }

    [Fact]
    public async Task ListArtifacts_ThroughOctokit_MapsTheDocumentedShape()
    {
        await using FakeGitHubServer github = new();
        long artifact = github.AddArtifact(42, "nono-session-agent", [0x50, 0x4b, 0x05, 0x06, .. new byte[18]]);
        GitHubClient client = GitHubClientFactory.Create(github.BaseAddress, s_token);

        ListArtifactsResponse list = await client.Actions.Artifacts.ListWorkflowArtifacts("o", "r", 42);

        Artifact only = Assert.Single(list.Artifacts);
        Assert.Equal(artifact, only.Id);
        Assert.Equal("nono-session-agent", only.Name);
        Assert.Equal(42, only.WorkflowRun.Id);
    }

    [Fact]
    public async Task UnmappedResponseShape_FailsLoudlyInsteadOfHalfWorking()
    {
        await using FakeGitHubServer github = new();
        GitHubReporter reporter = new(GitHubClientFactory.Create(github.BaseAddress, s_token), "o", "r");
        long id = await reporter.PublishCheckRunAsync("nono", "abc", passed: true, "t", "s", []);
        GitHubClient client = GitHubClientFactory.Create(github.BaseAddress, s_token);

        NonoException ex = await Assert.ThrowsAsync<NonoException>(() => client.Check.Run.GetAllAnnotations("o", "r", id));

        Assert.Contains("not mapped", ex.Message);
    }
}
