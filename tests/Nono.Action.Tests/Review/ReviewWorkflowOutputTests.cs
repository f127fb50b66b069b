using System.IO.Compression;
using System.Security.Cryptography;
using Nono.Action.Cli;
using Nono.Action.Tests.ActionMode;
using Nono.Testing;
using Nono.Testing.FakeGitHub;

namespace Nono.Action.Tests.Review;

/// <summary>
/// <c>nono review</c> in a workflow (GITHUB_ACTIONS=true) prints file names and contents an agent chose: read the way the
/// runner reads them, none of it acts as a workflow command, and the review itself still shows everything.
/// </summary>
public sealed class ReviewWorkflowOutputTests
{
    [Fact]
    public async Task Review_HostileNamesAndContents_TakeNoEffect()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using ActionStep runner = new(TestUser.Current);
        runner.JobEnvironment["NONO_SIGNING_KEY"] = key.ExportPkcs8PrivateKeyPem();
        File.WriteAllText(Path.Combine(runner.Home, "nono.pub"), key.ExportSubjectPublicKeyInfoPem());
        (ProcessResult step, _, Dictionary<string, string> outputs) = await runner.RunAsync(new()
        {
            ["run"] = "echo changed >> app.py; printf 'x\\n' > \"$(printf 'evil\\n::add-mask::forged-name')\"; " +
                "printf '::set-output name=forged-content::1\\n' > 'n ##[add-mask]forged-legacy'",
            ["sign"] = "key",
        });
        Assert.True(step.ExitCode == 0, step.ToString());
        using MemoryStream zip = new();
        ZipFile.CreateFromDirectory(outputs["artifact-dir"], zip);
        await using FakeGitHubServer github = new();
        github.AddArtifact(42, outputs["artifact-name"], zip.ToArray());
        Dictionary<string, string> env = new()
        {
            ["GITHUB_TOKEN"] = "ghs_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(18)),
            ["GITHUB_API_URL"] = github.BaseAddress.ToString(),
            ["HOME"] = runner.Home,
            ["GITHUB_ACTIONS"] = "true",
        };
        StringWriter output = new();
        StringWriter error = new();

        int exit = NonoCli.Run(["review", "--repo", "octo/repo", "--run", "42", "--public-key-file", "nono.pub"], new CliContext(output, error, env, runner.Home));

        Assert.True(exit == 0, output.ToString() + error);
        List<RunnerCommandLog.Command> commands = [.. RunnerCommandLog.Parse(output.ToString()), .. RunnerCommandLog.Parse(error.ToString())];
        Assert.DoesNotContain(commands, c => c.Name != "stop-commands");
        Assert.Single(commands); // the fence around the diffs
        Assert.Contains("verified (signed with the given key)", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("+changed", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("+::set-output name=forged-content::1", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("forged-name", output.ToString(), StringComparison.Ordinal);
    }
}
