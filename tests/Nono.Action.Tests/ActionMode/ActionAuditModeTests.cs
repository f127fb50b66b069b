using System.Globalization;
using System.Text.Json.Nodes;
using Nono.Action.Tests.Network;
using Nono.Testing;

namespace Nono.Action.Tests.ActionMode;

/// <summary>
/// The action's <c>mode: audit</c> on the simulated runner: the command reaches every host, but only through the
/// recording proxy (same namespace tier as enforce mode, so a direct connection fails), and the job summary proposes
/// exactly the hosts it reached.
/// </summary>
[Trait("Requires", "Landlock")]
public sealed class ActionAuditModeTests
{
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task AuditMode_TwoHostsReached_SummaryProposesExactlyThose(TestUser user)
    {
        Assert.SkipUnless(user == TestUser.Current || ProcessRunner.IsRoot, "running as uid 65534 needs root");
        using ActionStep runner = new(user);
        using TempDirectory sockets = new("nono-audit-sockets-");
        await using LoopbackServers servers = new(sockets.Path);
        string port = servers.HttpPort.ToString(CultureInfo.InvariantCulture);
        File.WriteAllText(Path.Combine(runner.Workspace, "audit-profile.json"), """
            { "extends": "ci", "network": { "resolve": ["api.audit.test=127.0.0.1", "cdn.audit.test=127.0.0.1"] } }
            """);
        string script = $$"""
            curl -sS -o /dev/null -w 'api=%{http_code}\n' http://api.audit.test:{{port}}/a > net.txt
            curl -sS -o /dev/null -w 'cdn=%{http_code}\n' http://cdn.audit.test:{{port}}/b >> net.txt
            curl -sS -o /dev/null -w 'api-again=%{http_code}\n' http://api.audit.test:{{port}}/c >> net.txt
            curl -sS --noproxy '*' -o /dev/null http://127.0.0.1:{{port}}/direct 2>/dev/null || echo "direct=$?" >> net.txt
            """;

        (ProcessResult step, ProcessResult gate, Dictionary<string, string> outputs) = await runner.RunAsync(new()
        {
            ["run"] = script,
            ["mode"] = "audit",
            ["profile"] = "audit-profile.json",
        });

        Assert.True(step.ExitCode == 0, step.ToString());
        Assert.Equal(0, gate.ExitCode);
        Assert.Equal(
            ["api=200", "cdn=200", "api-again=200", "direct=7"],
            File.ReadAllLines(Path.Combine(runner.Workspace, "net.txt")));
        Assert.Equal(3, servers.HttpRequests); // through the proxy only; the direct attempt never arrived
        string summary = File.ReadAllText(runner.SummaryFile);
        Assert.Contains("### Proposed network policy", summary, StringComparison.Ordinal);
        Assert.Contains($"```yaml\nnetwork: |\n  api.audit.test:{port}\n  cdn.audit.test:{port}\n```", summary, StringComparison.Ordinal);
        Assert.Contains($"\"allow_domain\": [\n      \"api.audit.test:{port}\",\n      \"cdn.audit.test:{port}\"\n    ]", summary, StringComparison.Ordinal);
        Assert.Contains("| api.audit.test | 2 | 0 |", summary, StringComparison.Ordinal);
        Assert.Contains("| cdn.audit.test | 1 | 0 |", summary, StringComparison.Ordinal);
        JsonNode report = JsonNode.Parse(File.ReadAllText(Path.Combine(outputs["artifact-dir"], "report.json")))!; // the action wrote it
        Assert.Equal([$"api.audit.test:{port}", $"cdn.audit.test:{port}"], report["network_proposal"]!["hosts"]!.AsArray().Select(h => (string)h!));
    }
}
