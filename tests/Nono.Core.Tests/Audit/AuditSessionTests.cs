using System.Text.Json;
using Nono.Core.Audit;
using Nono.Core.Audit.Events;
using Nono.Core.Diagnostics;
using Nono.Testing;

namespace Nono.Core.Tests.Audit;

public sealed class AuditSessionTests
{
    [Fact]
    public async Task CompleteAsync_RecordedSession_WritesRustCompatibleLayout()
    {
        using TempDirectory temp = new();
        string root = temp.Combine("audit");

        SessionMetadata metadata = await AuditFixture.RecordAsync(root, ct: TestContext.Current.CancellationToken);

        string dir = Path.Combine(root, metadata.SessionId);
        Assert.True(File.Exists(Path.Combine(dir, "session.json")));
        Assert.True(File.Exists(Path.Combine(dir, "audit-events.ndjson")));
        Assert.True(File.Exists(Path.Combine(root, "ledger.ndjson")));
        Assert.Equal(SessionStatus.Completed, metadata.Status);
        Assert.Equal(8, metadata.Integrity!.EventCount);
        Assert.Equal(3, metadata.ViolationCount);
        Assert.Equal(3000, metadata.DurationMs);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dir));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, "audit-events.ndjson")));
        using JsonDocument session = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "session.json")));
        Assert.Equal(metadata.SessionId, session.RootElement.GetProperty("session_id").GetString());
        Assert.Equal(metadata.Integrity.MerkleRoot, session.RootElement.GetProperty("integrity").GetProperty("merkle_root").GetString());
    }

    [Fact]
    public async Task AppendAsync_EachEvent_IsOnDiskBeforeCompletion()
    {
        using TempDirectory temp = new();
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using AuditSession session = await AuditSession.CreateAsync(temp.Path, new SessionStart { Command = ["true"] }, new ManualTimeProvider(AuditFixture.Start), ct);

        await session.AppendAsync(new NetworkEvent { Host = "example.org", Port = 443, Decision = NetworkDecision.Denied }, ct);

        // A reader (or a post-crash inspection) sees both lines without the session being completed.
        string[] lines = File.ReadAllLines(Path.Combine(session.Directory, "audit-events.ndjson"));
        Assert.Equal(2, lines.Length);
        Assert.Contains("\"type\":\"network\"", lines[1], StringComparison.Ordinal);
        Assert.Contains("\"decision\":\"denied\"", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_CrashedSession_ReportsNotCompletedButChainIntact()
    {
        using TempDirectory temp = new();
        CancellationToken ct = TestContext.Current.CancellationToken;
        string id;
        await using (AuditSession session = await AuditSession.CreateAsync(temp.Path, new SessionStart { Command = ["true"] }, new ManualTimeProvider(AuditFixture.Start), ct))
        {
            await session.AppendAsync(new ProcessStartedEvent { Pid = 1, Executable = "/bin/true" }, ct);
            id = session.SessionId;
        }

        AuditVerification result = await AuditVerifier.VerifyAsync(temp.Path, id, cancellationToken: TestContext.Current.CancellationToken);

        Assert.False(result.Verified);
        Assert.Equal(AuditCheckStatus.Passed, result.Checks.Single(c => c.Part == AuditPart.Chain).Status);
        Assert.Contains(AuditPart.Metadata, result.FailedParts);
    }

    [Fact]
    public async Task CreateAsync_InvalidOrDuplicateId_Throws()
    {
        using TempDirectory temp = new();
        CancellationToken ct = TestContext.Current.CancellationToken;

        NonoException invalid = await Assert.ThrowsAsync<NonoException>(() => AuditSession.CreateAsync(temp.Path, new SessionStart { Command = [], SessionId = "../escape" }, cancellationToken: ct));
        await AuditFixture.RecordAsync(temp.Path, "dup-1", ct: ct);
        NonoException duplicate = await Assert.ThrowsAsync<NonoException>(() => AuditSession.CreateAsync(temp.Path, new SessionStart { Command = [], SessionId = "dup-1" }, cancellationToken: ct));

        Assert.Equal(NonoErrorCode.InvalidPolicy, invalid.Code);
        Assert.Equal(NonoErrorCode.StateCorrupt, duplicate.Code);
        Assert.False(Directory.Exists(Path.Combine(temp.Path, "..", "escape")));
    }

    [Fact]
    public async Task CompleteAsync_ConcurrentSessions_LedgerChainStaysValid()
    {
        using TempDirectory temp = new();
        CancellationToken ct = TestContext.Current.CancellationToken;

        SessionMetadata[] sessions = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() => AuditFixture.RecordAsync(temp.Path, $"s{i}", ct: ct), ct)));

        LedgerReadResult ledger = AuditLedger.Read(temp.Path);
        Assert.Empty(ledger.Problems);
        Assert.Equal(6, ledger.Records.Count);
        foreach (SessionMetadata s in sessions)
        {
            Assert.True((await AuditVerifier.VerifyAsync(temp.Path, s.SessionId, cancellationToken: TestContext.Current.CancellationToken)).Verified);
        }
    }

    [Fact]
    public async Task Cleanup_KeepOne_RemovesOlderCompletedSessionsOnly()
    {
        using TempDirectory temp = new();
        CancellationToken ct = TestContext.Current.CancellationToken;
        ManualTimeProvider time = new(AuditFixture.Start);
        await AuditFixture.RecordAsync(temp.Path, "old", time, ct);
        time.Advance(TimeSpan.FromDays(10));
        await AuditFixture.RecordAsync(temp.Path, "new", time, ct);
        await using AuditSession running = await AuditSession.CreateAsync(temp.Path, new SessionStart { Command = [], SessionId = "running" }, time, ct);
        AuditStore store = new(temp.Path);

        IReadOnlyList<string> removed = await store.CleanupAsync(keep: 0, olderThan: TimeSpan.FromDays(5), time, ct);

        Assert.Equal(["old"], removed);
        Assert.Equal(["running", "new"], (await store.ListAsync(ct)).Select(s => s.SessionId).ToArray());
    }
}
