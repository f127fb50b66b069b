using System.Text.Json;
using Nono.Core.Audit;
using Nono.Testing;

namespace Nono.Action.Tests.Audit;

/// <summary>Several real <c>nono run</c> processes finishing at once append to one ledger.</summary>
public sealed class LedgerConcurrencyTests
{
    [Fact]
    public async Task Run_SeveralProcessesAtOnce_EachAppendsOneLinkAndTheChainStaysValid()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TempDirectory temp = new();
        AuditCliHarness cli = new(temp.Path);
        Dictionary<string, string> env = new(cli.Environment) { ["PATH"] = "/usr/bin:/bin" };
        const int Processes = 6;
        string project = Directory.CreateDirectory(Path.Combine(temp.Path, "project")).FullName; // HOME is temp: its workdir grant is refused

        ProcessResult[] runs = await Task.WhenAll(Enumerable.Range(0, Processes).Select(_ =>
            ProcessRunner.RunAsync(NonoExecutable.Path, ["run", "--", "/bin/true"], environment: env, workingDirectory: project, timeout: TimeSpan.FromMinutes(2), cancellationToken: ct)));

        Assert.All(runs, r => Assert.True(r.ExitCode == 0, r.ToString()));
        string[] lines = File.ReadAllLines(Path.Combine(cli.AuditRoot, AuditFormat.LedgerFile));
        Assert.Equal(Enumerable.Range(0, Processes).Select(i => (long)i), lines.Select(Seq));
        IReadOnlyList<SessionMetadata> sessions = await new AuditStore(cli.AuditRoot).ListAsync(ct);
        Assert.Equal(Processes, sessions.Count);
        foreach (SessionMetadata session in sessions)
        {
            // verify checks the session against its ledger entry and the whole ledger chain.
            (int exit, string output, string error) = cli.Run("audit", "verify", session.SessionId);
            Assert.True(exit == 0, output + error);
        }

        Assert.Empty(Directory.GetFiles(cli.AuditRoot, AuditFormat.LedgerFile + ".torn-*"));
    }

    private static long Seq(string ledgerLine)
    {
        using JsonDocument line = JsonDocument.Parse(ledgerLine);
        return line.RootElement.GetProperty("entry").GetProperty("seq").GetInt64();
    }
}
