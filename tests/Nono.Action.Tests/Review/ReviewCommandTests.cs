using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Nono.Action.Cli;
using Nono.Testing;
using Nono.Testing.FakeGitHub;

namespace Nono.Action.Tests.Review;

/// <summary>
/// <c>nono review</c> against the GitHub REST stand-in (through Octokit), on the artifact of a real keylessly signed
/// <c>nono action</c> run: found by pull request, downloaded through the documented 302 redirect, verified, shown,
/// and rolled back; tampered or misattributed artifacts are refused naming the part.
/// </summary>
public sealed class ReviewCommandTests(KeylessActionRun run) : IClassFixture<KeylessActionRun>
{
    private const string HeadSha = "0123456789abcdef0123456789abcdef01234567";
    private readonly string _token = "ghs_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(18));

    [Fact]
    public void ActionRun_SignedKeylessly_BundleOutputAndSummarySayHowToVerify()
    {
        Assert.True(run.Step.ExitCode == 0, run.Step.ToString());
        Assert.EndsWith("audit-attestation.bundle", run.Outputs["bundle"], StringComparison.Ordinal);
        Assert.True(File.Exists(run.Outputs["bundle"]));
        Assert.Equal(1, run.Sigstore.IssuedCertificates);
        Assert.Contains("Signed (keyless)", run.Summary, StringComparison.Ordinal);
        Assert.Contains(KeylessActionRun.Identity, run.Summary, StringComparison.Ordinal);
        Assert.Contains($"nono review --repo {KeylessActionRun.Repository} --run {KeylessActionRun.RunId} --certificate-identity", run.Summary, StringComparison.Ordinal);
        string childEnvironment = File.ReadAllText(Path.Combine(run.Runner.Workspace, "gen", "env.txt"));
        Assert.DoesNotContain(run.Sigstore.RequestToken, childEnvironment, StringComparison.Ordinal);
        Assert.DoesNotContain("ACTIONS_ID_TOKEN_REQUEST", childEnvironment, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Review_ByPullRequest_VerifiesShowsTheDiffAndApplyRestoresTheCheckout()
    {
        await using FakeGitHubServer github = Publish(run.ArtifactZip);
        github.AddPullRequest(7, HeadSha);

        (int exit, string output, string error) = Review(github, "--pr", "7", "--apply", run.ApplyCheckout);

        Assert.True(exit == 0, output + error);
        Assert.Contains($"session   {run.Outputs["session-id"]}: verified (signed keylessly by {KeylessActionRun.Identity})", output, StringComparison.Ordinal);
        Assert.Contains("+print('b')", output, StringComparison.Ordinal);
        Assert.Contains("-keep me", output, StringComparison.Ordinal);
        Assert.Contains("rolled back in", output, StringComparison.Ordinal);
        Assert.Equal("print('a')\n", File.ReadAllText(Path.Combine(run.ApplyCheckout, "app.py")));
        Assert.Equal("keep me\n", File.ReadAllText(Path.Combine(run.ApplyCheckout, "notes.txt")));
        Assert.False(File.Exists(Path.Combine(run.ApplyCheckout, "new.txt")));
        Assert.False(Directory.Exists(Path.Combine(run.ApplyCheckout, "gen")));
        ProcessResult status = await ProcessRunner.RunAsync("git", ["-C", run.ApplyCheckout, "status", "--porcelain"], cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("", status.StandardOutput.Trim());
        RecordedRequest download = Assert.Single(github.StorageRequests);
        Assert.Null(download.Authorization);
        Assert.Contains(github.Requests, r => r.Path.StartsWith("/repos/octo/repo/actions/runs?", StringComparison.Ordinal) && r.Path.Contains("head_sha=" + HeadSha, StringComparison.Ordinal));
        Assert.All(github.Requests, r => Assert.Equal("Token " + _token, r.Authorization));
    }

    [Fact]
    public async Task Review_EventEdited_FailsNamingTheChain()
    {
        byte[] tampered = ArtifactTamper.Rewrite(run.ArtifactZip, n => n.EndsWith("audit-events.ndjson", StringComparison.Ordinal),
            b => Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(b).Replace("new.txt", "ne_.txt", StringComparison.Ordinal)));
        await using FakeGitHubServer github = Publish(tampered);

        (int exit, string output, string error) = Review(github, "--run", "42");

        Assert.Equal(1, exit);
        // The edit also reaches session_started's command, so session.json no longer matches the events either.
        Assert.StartsWith("nono: review failed: metadata, chain", error.Trim(), StringComparison.Ordinal);
        Assert.DoesNotContain("+print('b')", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Review_SignatureReplaced_FailsNamingTheSignature()
    {
        byte[] tampered = ArtifactTamper.Rewrite(run.ArtifactZip, n => n.EndsWith("audit-attestation.bundle", StringComparison.Ordinal), ReplaceSignature);
        await using FakeGitHubServer github = Publish(tampered);

        (int exit, _, string error) = Review(github, "--run", "42");

        Assert.Equal(1, exit);
        Assert.Equal("nono: review failed: signature (signature)", error.Trim());
    }

    [Fact]
    public async Task Review_WrongWorkflowIdentity_FailsNamingTheIdentity()
    {
        await using FakeGitHubServer github = Publish(run.ArtifactZip);

        (int exit, string output, string error) = Review(github, ["--run", "42"], "https://github.com/octo/repo/.github/workflows/release.yml@refs/heads/main");

        Assert.Equal(1, exit);
        Assert.Equal("nono: review failed: signature (identity)", error.Trim());
        Assert.Contains("agent.yml", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Review_WorkflowAndRefShorthand_BuildsTheIdentity()
    {
        await using FakeGitHubServer github = Publish(run.ArtifactZip);
        Dictionary<string, string> env = new() { ["GITHUB_TOKEN"] = _token, ["GITHUB_API_URL"] = github.BaseAddress.ToString(), ["HOME"] = run.Runner.Home };
        string[] common = ["review", "--repo", KeylessActionRun.Repository, "--run", "42", "--trusted-root", run.TrustedRootFile, "--certificate-oidc-issuer", run.Issuer];

        (int okExit, string okOut, string okErr) = Cli(env, [.. common, "--workflow", ".github/workflows/agent.yml", "--ref", "refs/heads/main"]);
        (int refExit, _, string refErr) = Cli(env, [.. common, "--workflow", ".github/workflows/agent.yml", "--ref", "refs/heads/evil"]);

        Assert.True(okExit == 0, okOut + okErr);
        Assert.Equal(1, refExit);
        Assert.Equal("nono: review failed: signature (identity)", refErr.Trim());
    }

    [Fact]
    public async Task Review_ArtifactReplayedInAnotherRun_FailsNamingTheRunner()
    {
        await using FakeGitHubServer github = Publish(run.ArtifactZip, runId: 77);

        (int exit, string output, string error) = Review(github, "--run", "77");

        Assert.Equal(1, exit);
        Assert.Equal("nono: review failed: runner", error.Trim());
        Assert.Contains("recorded in run 42, but the artifact belongs to run 77", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Review_ApplyOnAnEditedCheckout_RefusesAndChangesNothing()
    {
        await using FakeGitHubServer github = Publish(run.ArtifactZip);
        File.WriteAllText(Path.Combine(run.EditedCheckout, "app.py"), "print('mine')\n");

        (int exit, string output, string error) = Review(github, "--run", "42", "--apply", run.EditedCheckout);

        Assert.Equal(1, exit);
        Assert.Contains("cannot roll back app.py: the checkout's content differs", output, StringComparison.Ordinal);
        Assert.Contains("nothing was changed", error, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(run.EditedCheckout, "new.txt")));
        Assert.False(File.Exists(Path.Combine(run.EditedCheckout, "notes.txt")));
    }

    [Fact]
    public async Task Review_ArtifactBeyondTheFirstPages_IsFound()
    {
        await using FakeGitHubServer github = Publish(run.ArtifactZip);
        github.AddPullRequest(7, HeadSha);
        // 130 newer runs of other workflows on the same head put the agent's run on the second page of runs, and 120
        // other artifacts listed before the session's put it on the second page of artifacts.
        for (int i = 0; i < 130; i++)
        {
            github.AddWorkflowRun(10_000 + i, $".github/workflows/other{i}.yml", HeadSha, DateTimeOffset.UtcNow.AddMinutes(-1));
        }

        List<(long Id, string Name, byte[] Zip)> artifacts = github.Artifacts[KeylessActionRun.RunId];
        artifacts.InsertRange(0, Enumerable.Range(0, 120).Select(i => (20_000L + i, $"coverage-{i}", new byte[] { 0x50, 0x4b, 0x05, 0x06 })));

        (int exit, string output, string error) = Review(github, "--pr", "7");

        Assert.True(exit == 0, output + error);
        Assert.Contains($"session   {run.Outputs["session-id"]}: verified", output, StringComparison.Ordinal);
        Assert.Contains(github.Requests, r => r.Path.Contains("/actions/runs?", StringComparison.Ordinal) && r.Path.Contains("page=2", StringComparison.Ordinal));
        Assert.Contains(github.Requests, r => r.Path.Contains($"/actions/runs/{KeylessActionRun.RunId}/artifacts?", StringComparison.Ordinal) && r.Path.Contains("page=2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Review_ExpiredArtifact_SaysSo()
    {
        await using FakeGitHubServer github = Publish(run.ArtifactZip);
        github.ExpiredArtifacts[github.Artifacts[KeylessActionRun.RunId][0].Id] = true;

        (int exit, _, string error) = Review(github, "--run", "42");

        Assert.Equal(1, exit);
        Assert.Contains("expired", error, StringComparison.Ordinal);
    }

    private FakeGitHubServer Publish(byte[] zip, long runId = KeylessActionRun.RunId)
    {
        FakeGitHubServer github = new();
        github.AddWorkflowRun(runId, ".github/workflows/agent.yml", HeadSha, DateTimeOffset.UtcNow.AddMinutes(-5));
        github.AddWorkflowRun(runId - 1, ".github/workflows/agent.yml", HeadSha, DateTimeOffset.UtcNow.AddMinutes(-30));
        github.AddWorkflowRun(runId + 1000, ".github/workflows/agent.yml", "ffff" + HeadSha[4..], DateTimeOffset.UtcNow);
        github.AddArtifact(runId - 1, run.Outputs["artifact-name"] + "-old", [0x50, 0x4b, 0x05, 0x06, .. new byte[18]]);
        github.AddArtifact(runId, run.Outputs["artifact-name"], zip);
        return github;
    }

    private (int Exit, string Out, string Err) Review(FakeGitHubServer github, params string[] args) => Review(github, args, KeylessActionRun.Identity);

    private (int Exit, string Out, string Err) Review(FakeGitHubServer github, string[] args, string identity)
    {
        Dictionary<string, string> env = new() { ["GITHUB_TOKEN"] = _token, ["GITHUB_API_URL"] = github.BaseAddress.ToString(), ["HOME"] = run.Runner.Home };
        return Cli(env, ["review", "--repo", KeylessActionRun.Repository, .. args, "--certificate-identity", identity, "--certificate-oidc-issuer", run.Issuer, "--trusted-root", run.TrustedRootFile]);
    }

    private static (int Exit, string Out, string Err) Cli(Dictionary<string, string> env, string[] args)
    {
        StringWriter output = new();
        StringWriter error = new();
        int exit = NonoCli.Run(args, new CliContext(output, error, env, env["HOME"]));
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>A valid-looking DSSE signature by another key over the same statement.</summary>
    private static byte[] ReplaceSignature(byte[] bundle)
    {
        JsonNode json = JsonNode.Parse(bundle)!;
        JsonNode envelope = json["dsseEnvelope"]!;
        byte[] payload = Convert.FromBase64String(envelope["payload"]!.GetValue<string>());
        using ECDsa attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] pae = Nono.Core.Trust.Dsse.DssePae.Encode(envelope["payloadType"]!.GetValue<string>(), payload);
        envelope["signatures"]![0]!["sig"] = Convert.ToBase64String(attacker.SignData(pae, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        return Encoding.UTF8.GetBytes(json.ToJsonString());
    }
}
