using System.Text.RegularExpressions;
using Nono.Action.Tests.Sandbox;
using Nono.Testing;

namespace Nono.Action.Tests.Network;

public sealed partial class RunNetworkTests
{
    [Fact]
    public async Task Run_ProxyMode_ProxyDecisionsAreInTheSessionAudit()
    {
        using NonoSandbox sb = new(TestUser.Current);
        await using LoopbackServers servers = new(sb.Outside.Path);
        string port = servers.HttpPort.ToString();

        ProcessResult run = await sb.SandboxedAsync(
            "run", ["--allow-domain", servers.ApiEntry(), "--resolve", "api.test=127.0.0.1"],
            "/bin/sh", "-c", $"curl -s -o /dev/null http://api.test:{port}/; curl -s -o /dev/null http://other.test:{port}/");
        string session = Regex.Match(run.StandardError, @"session (\S+): exit").Groups[1].Value;
        ProcessResult show = await sb.RunAsync("audit", "show", session);

        Assert.True(run.ExitCode == 0, run.StandardError);
        Assert.Contains($"network allowed: GET api.test:{port}", show.StandardOutput);
        Assert.Contains("network denied", show.StandardOutput);
        Assert.Contains("other.test", show.StandardOutput);
    }
}
