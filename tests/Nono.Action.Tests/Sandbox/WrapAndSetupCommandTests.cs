using System.Text.Json;
using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

[Trait("Requires", "Landlock")]
public sealed class WrapAndSetupCommandTests
{
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Wrap_ConfinesAndReplacesNono(TestUser user)
    {
        using NonoSandbox sb = new(user);
        string secret = Guid.NewGuid().ToString("N");
        await File.WriteAllTextAsync(sb.Outside.Combine("s"), secret, TestContext.Current.CancellationToken);

        ProcessResult result = await sb.SandboxedAsync("wrap", ["--block-net"], "/bin/sh", "-c",
            $"cat {sb.Outside.Combine("s")} || echo denied; {NonoSandbox.Python} -c 'import socket; socket.socket()' 2>/dev/null || echo net-denied; exit 5");

        Assert.Equal(5, result.ExitCode);
        Assert.Contains("denied", result.StandardOutput);
        Assert.Contains("net-denied", result.StandardOutput);
        Assert.DoesNotContain(secret, result.StandardOutput);
    }

    [Fact]
    public async Task Setup_CheckOnly_ReportsMatrixAndSucceeds()
    {
        using NonoSandbox sb = new(TestUser.Current);

        ProcessResult text = await sb.RunAsync("setup", "--check-only");
        ProcessResult json = await sb.RunAsync("setup", "--check-only", "--json");

        Assert.Equal(0, text.ExitCode);
        Assert.Contains("landlock ABI:", text.StandardOutput);
        Assert.Contains("sandbox: enforceable\n", text.StandardOutput);
        Assert.Equal(0, json.ExitCode);
        using JsonDocument doc = JsonDocument.Parse(json.StandardOutput);
        Assert.True(doc.RootElement.GetProperty("canEnforce").GetBoolean());
        Assert.True(doc.RootElement.GetProperty("landlockAbi").GetInt32() >= 1);
    }

    /// <summary>
    /// <c>nono run</c> skips the namespace probe forks where the evidence says they work; <c>setup</c> always probes, so
    /// on this host the reading must agree with the real probes (a disagreement is a setup problem, exit 1). The probes
    /// run in the nono process, never in the test host.
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Setup_PlainHostEvidence_AgreesWithTheRealProbes(TestUser user)
    {
        using NonoSandbox sb = new(user);

        ProcessResult result = await sb.RunAsync("setup", "--check-only");

        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        Assert.Contains("namespace evidence: ", result.StandardOutput);
        Assert.DoesNotContain("but a probe failed", result.StandardError);
        if (result.StandardOutput.Contains("namespace evidence: plain host", StringComparison.Ordinal))
        {
            Assert.Contains("network namespace: available", result.StandardOutput);
            Assert.Contains("pid namespace: available", result.StandardOutput);
        }
    }

    /// <summary>
    /// On an old kernel setup names the opt-ins <c>nono run</c> would refuse without (exit 0: a sandbox can be enforced),
    /// and says when the PID namespace stands in for the missing signal scope; outside one, that opt-in is named too.
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Setup_OldAbi_NamesTheWeakerModesTheDefaultPolicyNeeds(TestUser user)
    {
        using NonoSandbox sb = new(user);
        sb.Environment["NONO_LANDLOCK_ABI_MAX"] = "2";

        ProcessResult pidns = await sb.RunAsync("setup", "--check-only");
        ProcessResult json = await sb.RunAsync("setup", "--check-only", "--json");
        ProcessResult run = await sb.SandboxedAsync("run", [], "/bin/true");
        sb.Environment["NONO_CONTAINMENT"] = "direct-child";
        ProcessResult direct = await sb.RunAsync("setup", "--check-only");

        Assert.True(pidns.ExitCode == 0, pidns.StandardOutput + pidns.StandardError);
        Assert.Contains("sandbox: enforceable only with weaker modes: unrestricted-truncate (opt in with --allow-weaker unrestricted-truncate)\n", pidns.StandardOutput);
        Assert.Contains("signals scoped by the PID namespace and a session of its own (Landlock ABI 2 has no signal scoping)", pidns.StandardOutput);
        using JsonDocument doc = JsonDocument.Parse(json.StandardOutput);
        Assert.Equal(["unrestricted-truncate"], doc.RootElement.GetProperty("weakerModesNeeded").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(1, run.ExitCode); // what setup said: run refuses without the opt-in
        Assert.Contains("--allow-weaker unrestricted-truncate", run.StandardError);
        Assert.DoesNotContain("unscoped-signals", run.StandardError);
        Assert.Equal(0, direct.ExitCode);
        Assert.Contains("sandbox: enforceable only with weaker modes: unrestricted-truncate, unscoped-signals", direct.StandardOutput);
    }

    /// <summary>
    /// Landlock ABI 4 (GitHub-hosted runners): without a terminal (CI) setup says the default policy needs no opt-in, and
    /// run agrees; on a terminal setup names <c>unscoped-signals</c>, as run started there would need it.
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Setup_Abi4_NoOptInWithoutTerminal_UnscopedSignalsOnATerminal(TestUser user)
    {
        using NonoSandbox sb = new(user);
        sb.Environment["NONO_LANDLOCK_ABI_MAX"] = "4";
        sb.Environment["NONO_CONTAINMENT"] = "pidns";

        ProcessResult text = await sb.RunAsync("setup", "--check-only");
        ProcessResult json = await sb.RunAsync("setup", "--check-only", "--json");
        ProcessResult run = await sb.SandboxedAsync("run", [], "/bin/true");
        ProcessResult onPty = await ProcessRunner.RunAsync(NonoSandbox.Python, ["-c", RunCommandTests.OnPty, NonoExecutable.Path, "setup", "--check-only"], user, sb.Environment, sb.Home.Path, cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(text.ExitCode == 0, text.StandardOutput + text.StandardError);
        Assert.Contains("sandbox: enforceable\n", text.StandardOutput);
        Assert.Contains("signals scoped by the PID namespace and a session of its own (Landlock ABI 4 has no signal scoping)", text.StandardOutput);
        Assert.Contains("with a terminal on stdin, stdout or stderr, nono run keeps the command in its session and also needs --allow-weaker unscoped-signals", text.StandardOutput);
        using JsonDocument doc = JsonDocument.Parse(json.StandardOutput);
        Assert.Empty(doc.RootElement.GetProperty("weakerModesNeeded").EnumerateArray());
        Assert.True(run.ExitCode == 0, run.StandardError); // what setup said: no opt-in
        Assert.Contains("pty-exit 0", onPty.StandardOutput);
        Assert.Contains("sandbox: enforceable only with weaker modes: unscoped-signals (opt in with --allow-weaker unscoped-signals)", onPty.StandardOutput);
        Assert.Contains("unscoped-signals: a terminal is on stdin, stdout or stderr", onPty.StandardOutput);
    }

    [Fact]
    public async Task Setup_NoLandlock_ExitsOne()
    {
        using NonoSandbox sb = new(TestUser.Current);
        sb.Environment["NONO_LANDLOCK_ABI_MAX"] = "0";

        ProcessResult result = await sb.RunAsync("setup", "--check-only");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("tier: SeccompOnly", result.StandardOutput);
    }
}
