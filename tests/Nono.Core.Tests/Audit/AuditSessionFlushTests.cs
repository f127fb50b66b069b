using Nono.Core.Audit;
using Nono.Core.Audit.Events;
using Nono.Testing;

namespace Nono.Core.Tests.Audit;

/// <summary>
/// The start flush runs when the supervisor calls it (once the command runs), not on the thread pool. Its failure is
/// still reported by the completion, and a session completed without it is flushed and complete all the same.
/// </summary>
public sealed class AuditSessionFlushTests
{
    [Fact]
    public async Task FlushStart_Fails_ReportedByCompleteNotByTheFlush()
    {
        using TempDirectory temp = new();
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using AuditSession session = await AuditSession.CreateAsync(temp.Path, new SessionStart { Command = ["true"] }, new ManualTimeProvider(AuditFixture.Start), ct);
        File.Delete(Path.Combine(session.Directory, AuditFormat.SessionFile));

        session.FlushStart(); // the supervisor's call while the command runs: never throws there
        session.FlushStart(); // once only

        await Assert.ThrowsAsync<FileNotFoundException>(() => session.CompleteAsync(new SessionEnd { ExitCode = 0 }, ct));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CompleteAsync_WithOrWithoutAnEarlierFlush_RecordIsCompleteAndVerifies(bool flushFirst)
    {
        using TempDirectory temp = new();
        CancellationToken ct = TestContext.Current.CancellationToken;
        string id;
        await using (AuditSession session = await AuditSession.CreateAsync(temp.Path, new SessionStart { Command = ["true"] }, new ManualTimeProvider(AuditFixture.Start), ct))
        {
            if (flushFirst)
            {
                session.FlushStart();
            }

            await session.AppendAsync(new ProcessStartedEvent { Pid = 1, Executable = "/bin/true" }, ct);
            SessionMetadata final = await session.CompleteAsync(new SessionEnd { Signal = 9 }, ct);
            Assert.Equal(3, final.Integrity!.EventCount);
            id = session.SessionId;
        }

        AuditVerification result = await AuditVerifier.VerifyAsync(temp.Path, id, cancellationToken: ct);

        Assert.True(result.Verified, string.Join("; ", result.FailedParts));
        Assert.Single(File.ReadAllLines(Path.Combine(temp.Path, AuditFormat.LedgerFile)));
    }

    /// <summary>
    /// A command that ended before the supervisor's delay: the completion alone makes the record durable, without the
    /// start flush (two fsyncs less); a start flush asked for after the completion began does nothing.
    /// </summary>
    [Fact]
    public async Task CompleteAsync_WithoutStartFlush_RunsNoneAndALaterCallDoesNothing()
    {
        using TempDirectory temp = new();
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using AuditSession session = await AuditSession.CreateAsync(temp.Path, new SessionStart { Command = ["true"] }, new ManualTimeProvider(AuditFixture.Start), ct);

        await session.CompleteAsync(new SessionEnd { ExitCode = 0 }, ct);
        session.FlushStart(); // the events file is closed by now: this must neither throw nor flush

        Assert.False(session.StartFlushed);
        await AssertVerifiedAsync(temp.Path, session.SessionId, ct);
    }

    [Fact]
    public async Task FlushStart_WhileRunning_FlushesOnceAndTheCompletionStillVerifies()
    {
        using TempDirectory temp = new();
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using AuditSession session = await AuditSession.CreateAsync(temp.Path, new SessionStart { Command = ["sleep"] }, new ManualTimeProvider(AuditFixture.Start), ct);

        session.FlushStart();
        Assert.True(session.StartFlushed);
        await session.CompleteAsync(new SessionEnd { ExitCode = 0 }, ct);

        Assert.True(session.StartFlushed);
        await AssertVerifiedAsync(temp.Path, session.SessionId, ct);
    }

    private static async Task AssertVerifiedAsync(string auditRoot, string id, CancellationToken ct)
    {
        AuditVerification result = await AuditVerifier.VerifyAsync(auditRoot, id, cancellationToken: ct);
        Assert.True(result.Verified, string.Join("; ", result.FailedParts));
    }

    [Fact]
    public async Task DisposeAsync_WithoutCompletion_FlushesAndLeavesTheSessionRunning()
    {
        using TempDirectory temp = new();
        CancellationToken ct = TestContext.Current.CancellationToken;
        string id;
        await using (AuditSession session = await AuditSession.CreateAsync(temp.Path, new SessionStart { Command = ["true"] }, new ManualTimeProvider(AuditFixture.Start), ct))
        {
            id = session.SessionId;
        }

        string json = File.ReadAllText(Path.Combine(temp.Path, id, AuditFormat.SessionFile));
        Assert.Contains("\"status\":\"running\"", json, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(temp.Path, AuditFormat.LedgerFile)));
    }
}
