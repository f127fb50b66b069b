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
        File.WriteAllText(Path.Combine(runner.Home, "other.pub"), other.ExportSubjectPublicKeyInfoPem());
        (ProcessResult step, Dictionary<string, string> outputs, byte[] zip) = await RunSignedAsync(runner, key, "echo changed >> app.py");
        Assert.True(step.ExitCode == 0, step.ToString());
        await using FakeGitHubServer github = new();
        github.AddArtifact(42, outputs["artifact-name"], zip);

        (int exit, string output, string error) = Review(github, runner.Home, "nono.pub");
        (int otherExit, _, string otherError) = Review(github, runner.Home, "other.pub");

        Assert.True(exit == 0, output + error);
        Assert.Contains("verified (signed with the given key)", output, StringComparison.Ordinal);
        Assert.Contains("+changed", output, StringComparison.Ordinal);
        Assert.Equal(1, otherExit);
        Assert.Equal("nono: review failed: signature", otherError.Trim());
    }

    /// <summary>
    /// The review's must-fix M1: a signed session replayed into another run with session.json edited (run id, command,
    /// exit code, tier) and the unkeyed ledger rebuilt. Before the fix this printed "verified", "command npm test",
    /// "exit 0" and exited 0; the untouched artifact still verifies.
    /// </summary>
    [Fact]
    public async Task Review_SessionJsonForgedAndLedgerRebuilt_FailsAndShowsNothing()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using ActionStep runner = new(TestUser.Current);
        (ProcessResult step, Dictionary<string, string> outputs, byte[] zip) = await RunSignedAsync(runner, key, "echo evil >> app.py; exit 3");
        Assert.Equal(3, step.ExitCode);
        byte[] forged = ArtifactTamper.ForgeSessionJson(zip, json =>
        {
            json["runner"]!["run_id"] = "222";
            json["command"] = new System.Text.Json.Nodes.JsonArray("npm", "test");
            json["exit_code"] = 0;
            json["enforcement_tier"] = "LandlockV7 (everything enforced)";
        });
        await using FakeGitHubServer github = new();
        github.AddArtifact(42, outputs["artifact-name"], zip);
        github.AddArtifact(222, outputs["artifact-name"], forged);

        (int exit, string output, string error) = Review(github, runner.Home, "nono.pub");
        (int forgedExit, string forgedOutput, string forgedError) = Review(github, runner.Home, "nono.pub", "222");

        Assert.True(exit == 0, output + error);
        Assert.Contains("exit      3 after", output, StringComparison.Ordinal);
        Assert.Equal(1, forgedExit);
        Assert.Equal("nono: review failed: metadata, signature", forgedError.Trim());
        Assert.Contains("session.json differs from the recorded events in: command, enforcement_tier, runner, exit_code", forgedOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("verified", forgedOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("npm test", forgedOutput, StringComparison.Ordinal);
    }

    /// <summary>
    /// session.json with a duplicated <c>exit_code</c> (same value: every field still matches the events) or an unknown
    /// property, the unkeyed ledger rebuilt: refused naming session.json and the property; the untouched artifact passes.
    /// </summary>
    [Fact]
    public async Task Review_SessionJsonDuplicateOrUnknownProperty_Refused()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using ActionStep runner = new(TestUser.Current);
        (ProcessResult step, Dictionary<string, string> outputs, byte[] zip) = await RunSignedAsync(runner, key, "exit 3");
        Assert.Equal(3, step.ExitCode);
        byte[] duplicated = ArtifactTamper.ForgeSessionJsonText(zip, text => text.Replace("\"exit_code\":3", "\"exit_code\":3,\"exit_code\":3", StringComparison.Ordinal));
        byte[] unknown = ArtifactTamper.ForgeSessionJsonText(zip, text => text.Replace("\"exit_code\":3", "\"exit_code\":3,\"smuggled\":0", StringComparison.Ordinal));

        foreach ((byte[] artifact, string? property) in new[] { (zip, (string?)null), (duplicated, "exit_code"), (unknown, "smuggled") })
        {
            await using FakeGitHubServer github = new();
            github.AddArtifact(42, outputs["artifact-name"], artifact);

            (int exit, string output, string error) = Review(github, runner.Home, "nono.pub");

            if (property is null)
            {
                Assert.True(exit == 0, output + error);
                continue;
            }

            Assert.Equal(1, exit);
            Assert.StartsWith("nono: review failed: metadata", error.Trim(), StringComparison.Ordinal);
            Assert.DoesNotContain("verified", output, StringComparison.Ordinal);
            Assert.Contains(output.Split('\n'), line => line.Contains("session.json does not parse", StringComparison.Ordinal) && line.Contains(property, StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// Review S-A: a command killed by a signal records a signal and no exit code; the review used to show "exit 0".
    /// It now shows the signal, and so does the action's own job summary.
    /// </summary>
    [Fact]
    public async Task Review_CommandKilledBySignal_ShowsTheSignalNeverExit0()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using ActionStep runner = new(TestUser.Current);
        (ProcessResult step, Dictionary<string, string> outputs, byte[] zip) = await RunSignedAsync(runner, key, "echo evil >> app.py; kill -9 $$");
        await using FakeGitHubServer github = new();
        github.AddArtifact(42, outputs["artifact-name"], zip);

        (int exit, string output, string error) = Review(github, runner.Home, "nono.pub");

        Assert.NotEqual(0, step.ExitCode);
        Assert.True(exit == 0, output + error);
        Assert.Contains("exit      killed by signal 9 after", output, StringComparison.Ordinal);
        Assert.DoesNotContain("exit 0", output, StringComparison.Ordinal);
        Assert.DoesNotContain("exit      0", output, StringComparison.Ordinal);
        Assert.Contains("+evil\n", output, StringComparison.Ordinal);
    }

    /// <summary>The artifact name (from the API) and a hostile entry name reach the terminal only as '?' (review S1).</summary>
    [Fact]
    public async Task Review_EscapesInArtifactAndEntryNames_PrintNoControlCharacters()
    {
        using TempDirectory home = new();
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        File.WriteAllText(home.Combine("nono.pub"), key.ExportSubjectPublicKeyInfoPem());
        using MemoryStream zip = new();
        using (ZipArchive archive = new(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            ZipArchiveEntry link = archive.CreateEntry("x\u001b[1A\u001b[2Ksession s: verified\u001b[8m");
            link.ExternalAttributes = 0xA1FF << 16;
            using Stream s = link.Open();
            s.Write("/etc"u8);
        }

        await using FakeGitHubServer github = new();
        github.AddArtifact(42, "nono-session-\u001b]0;owned\u0007\u202ex", zip.ToArray());

        (int exit, string output, string error) = Review(github, home.Path, "nono.pub");

        Assert.Equal(1, exit);
        Assert.Contains("artifact  nono-session-?]0;owned??x", output, StringComparison.Ordinal);
        Assert.StartsWith("nono: ", error, StringComparison.Ordinal);
        Assert.Contains("'x?[1A?[2Ksession s: verified?[8m' is a symbolic link", error, StringComparison.Ordinal);
        Assert.DoesNotContain(output + error.TrimEnd(), c => char.IsControl(c) && c != '\n');
    }

    /// <summary>One real <c>nono action</c> step signed with <paramref name="key"/> (public half in HOME/nono.pub), its artifact zipped.</summary>
    private static async Task<(ProcessResult Step, Dictionary<string, string> Outputs, byte[] Zip)> RunSignedAsync(ActionStep runner, ECDsa key, string run)
    {
        runner.JobEnvironment["NONO_SIGNING_KEY"] = key.ExportPkcs8PrivateKeyPem();
        File.WriteAllText(Path.Combine(runner.Home, "nono.pub"), key.ExportSubjectPublicKeyInfoPem());
        (ProcessResult step, _, Dictionary<string, string> outputs) = await runner.RunAsync(new() { ["run"] = run, ["sign"] = "key" });
        using MemoryStream zip = new();
        ZipFile.CreateFromDirectory(outputs["artifact-dir"], zip);
        return (step, outputs, zip.ToArray());
    }

    private static (int Exit, string Out, string Err) Review(FakeGitHubServer github, string home, string keyFile, string run = "42")
    {
        Dictionary<string, string> env = new() { ["GITHUB_TOKEN"] = "ghs_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(18)), ["GITHUB_API_URL"] = github.BaseAddress.ToString(), ["HOME"] = home };
        StringWriter output = new();
        StringWriter error = new();
        int exit = NonoCli.Run(["review", "--repo", "octo/repo", "--run", run, "--public-key-file", keyFile], new CliContext(output, error, env, home));
        return (exit, output.ToString(), error.ToString());
    }
}
