using System.Text.RegularExpressions;
using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

public sealed partial class RunCommandTests
{
    public static TheoryData<TestUser, string> LauncherPaths => new()
    {
        { TestUser.Current, "pidns" },
        { TestUser.Nobody, "pidns" },
        { TestUser.Current, "direct-child" },
        { TestUser.Nobody, "direct-child" },
        { TestUser.Current, "cgroup" },
        { TestUser.Current, "netns-proxy" },
        { TestUser.Nobody, "netns-proxy" },
        { TestUser.Current, "observer" },
        { TestUser.Nobody, "observer" },
    };

    /// <summary>
    /// The JIT-hosted nono (the apphost the tests run) must compile nothing in a forked child: there only the forking
    /// thread exists, and a compilation waits on runtime locks another thread may have held at fork time (a hang, found in
    /// session 3). The runtime prints one numbered line per compiled method (DOTNET_JitDisasmSummary), line-buffered by
    /// stdbuf so a child's lines reach the pipe before it execs or exits. Each process counts its own compilations and a
    /// child continues from its parent's count, so any compilation in a relay, init or command-to-be repeats a number.
    /// </summary>
    [Theory]
    [MemberData(nameof(LauncherPaths))]
    public async Task Run_JitHostedNono_ForkedChildrenCompileNothing(TestUser user, string path)
    {
        using NonoSandbox sb = new(user);
        sb.Environment["DOTNET_EnableWriteXorExecute"] = "0"; // fork-safe from the start: no re-exec, one count
        sb.Environment["DOTNET_JitDisasmSummary"] = "1";
        string[] options = path switch
        {
            "netns-proxy" => ["--allow-domain", "api.test", "--resolve", "api.test=127.0.0.1"],
            "observer" => ["--fs-observer", "on"],
            _ => [],
        };
        if (path == "netns-proxy")
        {
            sb.Environment["NONO_NETWORK_TIER"] = "netns";
        }
        else if (path != "observer")
        {
            sb.Environment["NONO_CONTAINMENT"] = path;
        }

        ProcessResult result = await ProcessRunner.RunAsync(
            "stdbuf", ["-oL", NonoExecutable.Path, "run", .. SandboxSystemPaths.CliFlags, .. options, "--", "/bin/true"],
            sb.User, sb.Environment, sb.Home.Path, cancellationToken: TestContext.Current.CancellationToken);
        List<(int Number, string Method)> compiled = [.. Regex.Matches(result.StandardOutput, @"^\s*(\d+): JIT compiled (.+)$", RegexOptions.Multiline)
            .Select(m => (int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups[2].Value))];

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains(compiled, c => c.Method.StartsWith("Nono.Core.Sandbox.ChildProcess:Fork", StringComparison.Ordinal)); // the summary is on
        string[] repeated = [.. compiled.GroupBy(c => c.Number).Where(g => g.Count() > 1).SelectMany(g => g.Select(c => $"{c.Number}: {c.Method}"))];
        Assert.True(repeated.Length == 0, "compiled in a forked child (each number is the parent's and a child's):\n" + string.Join('\n', repeated));
    }
}
