using System.Net;
using System.Net.Sockets;
using Nono.Testing;
using Nono.Testing.Sigstore;

namespace Nono.Action.Tests.ActionMode;

/// <summary>The action's keyless signing choices when the job has no <c>id-token: write</c> (the signed path: Review/ReviewCommandTests).</summary>
public sealed class ActionKeylessTests
{
    [Fact]
    public async Task SignKeyless_WithoutIdToken_FailsBeforeTheCommandRuns()
    {
        using ActionStep runner = new(TestUser.Current);

        (ProcessResult step, ProcessResult gate, _) = await runner.RunAsync(new() { ["run"] = "touch ran.txt", ["sign"] = "keyless" });

        Assert.Equal(1, step.ExitCode);
        Assert.NotEqual(0, gate.ExitCode);
        Assert.Contains("::error::nono: input 'sign': 'keyless' needs 'permissions: id-token: write'", step.StandardOutput, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(runner.Workspace, "ran.txt")));
    }

    [Theory]
    [InlineData("keyless", 1, "::error::nono: keyless signing failed")]
    [InlineData("auto", 0, "::warning::nono: keyless signing failed")]
    public async Task KeylessSigning_FulcioUnreachable_FailsOnlyWhenAskedForExplicitly(string sign, int expectedExit, string expectedLine)
    {
        await using SigstoreStandIn sigstore = new();
        using ActionStep runner = new(TestUser.Current);
        foreach ((string key, string value) in sigstore.SigningEnvironment())
        {
            runner.JobEnvironment[key] = value;
        }

        runner.JobEnvironment["NONO_FULCIO_URL"] = $"http://127.0.0.1:{ClosedPort()}/";

        (ProcessResult step, _, Dictionary<string, string> outputs) = await runner.RunAsync(new() { ["run"] = "true", ["sign"] = sign });

        Assert.True(step.ExitCode == expectedExit, step.ToString());
        Assert.Contains(expectedLine, step.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("", outputs["bundle"]);
        Assert.Contains("NOT signed: keyless signing failed", File.ReadAllText(runner.SummaryFile), StringComparison.Ordinal);
        Assert.Equal(0, sigstore.IssuedCertificates);
    }

    [Fact]
    public async Task SignAuto_WithoutIdToken_RunsUnsignedAndSaysSo()
    {
        using ActionStep runner = new(TestUser.Current);

        (ProcessResult step, _, Dictionary<string, string> outputs) = await runner.RunAsync(new() { ["run"] = "true" });

        Assert.True(step.ExitCode == 0, step.ToString());
        Assert.Equal("", outputs["bundle"]);
        Assert.Contains("not signed", File.ReadAllText(runner.SummaryFile), StringComparison.Ordinal);
    }

    private static int ClosedPort()
    {
        using TcpListener probe = new(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
