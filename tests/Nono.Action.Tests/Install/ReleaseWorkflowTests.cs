using System.Text.RegularExpressions;
using Nono.Testing;
using YamlDotNet.RepresentationModel;

namespace Nono.Action.Tests.Install;

/// <summary>release.yml parses, and what it publishes is exactly what action/install.sh downloads and verifies.</summary>
public sealed partial class ReleaseWorkflowTests
{
    private static readonly string s_installScript = File.ReadAllText(Path.Combine(NonoExecutable.RepositoryRoot, "action", "install.sh"));

    [Fact]
    public void Workflow_RunsOnVersionTagsWithLeastPrivilege()
    {
        ReleaseWorkflow workflow = ReleaseWorkflow.Load();

        YamlMappingNode push = (YamlMappingNode)((YamlMappingNode)workflow.Root["on"])["push"];
        Assert.Equal(["v*"], ((YamlSequenceNode)push["tags"]).Select(t => ((YamlScalarNode)t).Value));
        Assert.Equal("read", ReleaseWorkflow.Scalar((YamlMappingNode)workflow.Root["permissions"], "contents"));
        YamlMappingNode releasePermissions = (YamlMappingNode)workflow.Job("release")["permissions"];
        Assert.Equal("write", ReleaseWorkflow.Scalar(releasePermissions, "id-token"));
        Assert.Equal("write", ReleaseWorkflow.Scalar(releasePermissions, "attestations"));
        Assert.False(workflow.Job("build").Children.ContainsKey(new YamlScalarNode("permissions")), "the build job needs no write permission");
    }

    [Fact]
    public void Matrix_PublishesEveryArchitectureInstallShMaps()
    {
        IEnumerable<string> installRids = RidMapping().Matches(s_installScript).Select(m => m.Groups[1].Value).Distinct().Order();

        Assert.Equal(installRids, ReleaseWorkflow.Load().MatrixRids().Order());
        Assert.Equal(["linux-arm64", "linux-x64"], installRids);
        Assert.Contains("asset=\"nono-$rid.tar.gz\"", s_installScript);
    }

    [Fact]
    public async Task PackageAndChecksumSteps_ProduceTheLayoutInstallShVerifies()
    {
        ReleaseWorkflow workflow = ReleaseWorkflow.Load();
        using TempDirectory workspace = new("nono-release-layout-");
        CancellationToken ct = TestContext.Current.CancellationToken;

        foreach (string rid in workflow.MatrixRids())
        {
            Directory.CreateDirectory(Path.Combine(workspace.Path, "out", rid));
            await File.WriteAllTextAsync(Path.Combine(workspace.Path, "out", rid, "nono"), "binary for " + rid, ct);
            await workflow.RunStepAsync("build", "package", workspace.Path, new Dictionary<string, string> { ["rid"] = rid }, ct);
        }

        await workflow.RunStepAsync("release", "checksums", workspace.Path, new Dictionary<string, string>(), ct);

        string dist = Path.Combine(workspace.Path, "dist");
        string[] assets = [.. workflow.MatrixRids().Select(rid => $"nono-{rid}.tar.gz")];
        Assert.Equal(assets.Append("SHA256SUMS").Order(StringComparer.Ordinal), Directory.GetFiles(dist).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        string[] sums = await File.ReadAllLinesAsync(Path.Combine(dist, "SHA256SUMS"), ct);
        Assert.Equal(assets.Length, sums.Length);
        foreach (string asset in assets)
        {
            // The line install.sh accepts: exactly one "<64 lowercase hex>  <asset>".
            Assert.Single(sums, line => Regex.IsMatch(line, $"^[0-9a-f]{{64}}  {Regex.Escape(asset)}$"));
            ProcessResult listing = await ProcessRunner.RunAsync("tar", ["-tzf", Path.Combine(dist, asset)], cancellationToken: ct);
            Assert.Equal("nono\n", listing.StandardOutput);
        }

        ProcessResult check = await ProcessRunner.RunAsync("sha256sum", ["-c", "--strict", "SHA256SUMS"], workingDirectory: dist, cancellationToken: ct);
        Assert.Equal(0, check.ExitCode);
    }

    [Fact]
    public void Attestation_CoversTheAssetsAndIsWhatInstallShVerifies()
    {
        ReleaseWorkflow workflow = ReleaseWorkflow.Load();

        YamlMappingNode attest = workflow.StepUsing("release", "actions/attest-build-provenance");
        string[] subjects = ReleaseWorkflow.Scalar((YamlMappingNode)attest["with"], "subject-path").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("dist/nono-*.tar.gz", subjects);
        YamlMappingNode upload = workflow.StepUsing("build", "actions/upload-artifact");
        Assert.Equal("dist/nono-${{ matrix.rid }}.tar.gz", ReleaseWorkflow.Scalar((YamlMappingNode)upload["with"], "path"));

        // gh attestation verify pins the signer to this very workflow file.
        string relative = Path.GetRelativePath(NonoExecutable.RepositoryRoot, ReleaseWorkflow.FilePath);
        Assert.Contains($"--signer-workflow \"$repo/{relative}\"", s_installScript);
        Assert.Contains("gh attestation verify \"$tmp/$asset\" --repo \"$repo\"", s_installScript);
    }

    [GeneratedRegex(@"^\s*[a-z0-9_|]+\) rid=(linux-[a-z0-9]+) ;;", RegexOptions.Multiline)]
    private static partial Regex RidMapping();
}
