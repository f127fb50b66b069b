using System.IO.Compression;
using System.Security.Cryptography;
using Nono.Action.Cli;
using Nono.Action.Tests.ActionMode;
using Nono.Testing;
using Nono.Testing.FakeGitHub;

namespace Nono.Action.Tests.Review;

/// <summary><c>nono review --public-key-file</c> on the artifact of a real <c>nono action</c> run signed with a pinned key.</summary>
public sealed class ReviewKeyedTests
{
    [Fact]
    public async Task Review_KeyedArtifact_VerifiesWithThePinnedKeyOnly()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using ECDsa other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using ActionStep runner = new(TestUser.Current);
        runner.JobEnvironment["NONO_SIGNING_KEY"] = key.ExportPkcs8PrivateKeyPem();
        File.WriteAllText(Path.Combine(runner.Home, "nono.pub"), key.ExportSubjectPublicKeyInfoPem());
        File.WriteAllText(Path.Combine(runner.Home, "other.pub"), other.ExportSubjectPublicKeyInfoPem());
        (ProcessResult step, _, Dictionary<string, string> outputs) = await runner.RunAsync(new() { ["run"] = "echo changed >> app.py", ["sign"] = "key" });
        Assert.True(step.ExitCode == 0, step.ToString());
        using MemoryStream zip = new();
        ZipFile.CreateFromDirectory(outputs["artifact-dir"], zip);
        await using FakeGitHubServer github = new();
        github.AddArtifact(42, outputs["artifact-name"], zip.ToArray());

        (int exit, string output, string error) = Review(github, runner.Home, "nono.pub");
        (int otherExit, _, string otherError) = Review(github, runner.Home, "other.pub");

        Assert.True(exit == 0, output + error);
        Assert.Contains("verified (signed with the given key)", output, StringComparison.Ordinal);
        Assert.Contains("+changed", output, StringComparison.Ordinal);
        Assert.Equal(1, otherExit);
        Assert.Equal("nono: review failed: signature", otherError.Trim());
    }

    private static (int Exit, string Out, string Err) Review(FakeGitHubServer github, string home, string keyFile)
    {
        Dictionary<string, string> env = new() { ["GITHUB_TOKEN"] = "ghs_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(18)), ["GITHUB_API_URL"] = github.BaseAddress.ToString(), ["HOME"] = home };
        StringWriter output = new();
        StringWriter error = new();
        int exit = NonoCli.Run(["review", "--repo", "octo/repo", "--run", "42", "--public-key-file", keyFile], new CliContext(output, error, env, home));
        return (exit, output.ToString(), error.ToString());
    }
}
