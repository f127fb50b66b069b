using System.Text.Json;
using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

/// <summary>
/// The record is complete, verified and in the ledger by the time nono has exited, however the command ended: the start
/// record is made durable while the command runs and the end is written on nono's main thread before it returns.
/// (A SIGTERM to nono: <see cref="Run_SigtermToNono_ForwardedAndExitCodePassedThrough"/>.)
/// </summary>
public sealed partial class RunCommandTests
{
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_CommandKilledBySignal_RecordIsCompleteVerifiedAndInTheLedger(TestUser user)
    {
        using NonoSandbox sb = new(user);

        ProcessResult run = await sb.SandboxedAsync("run", [], "/bin/sh", "-c", "kill -KILL $$");

        Assert.True(run.ExitCode == 128 + 9, run.ToString());
        JsonElement session = await AssertCompleteRecordAsync(sb);
        Assert.Equal(9, session.GetProperty("signal").GetInt32());
    }

    /// <summary>The one session under the sandbox's state root: completed, listed in the ledger, and verified.</summary>
    private static async Task<JsonElement> AssertCompleteRecordAsync(NonoSandbox sb)
    {
        string auditRoot = Path.Combine(sb.Home.Path, ".local", "state", "nono", "audit");
        string sessionDirectory = Assert.Single(Directory.GetDirectories(auditRoot));
        string id = Path.GetFileName(sessionDirectory);
        JsonElement session = JsonDocument.Parse(File.ReadAllText(Path.Combine(sessionDirectory, "session.json"))).RootElement;
        Assert.Equal("completed", session.GetProperty("status").GetString());
        Assert.Contains(File.ReadAllLines(Path.Combine(auditRoot, "ledger.ndjson")), line => line.Contains($"\"{id}\"", StringComparison.Ordinal));
        ProcessResult verify = await sb.RunAsync("audit", "verify", id);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        return session;
    }
}
