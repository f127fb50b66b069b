using Nono.Action.Session;
using Nono.Core.Audit;
using Nono.Core.Audit.Events;
using Nono.Core.Audit.Observers;
using Nono.Testing;

namespace Nono.Action.Tests.Audit;

/// <summary>
/// A flood of denials stays bounded: identical ones (mechanism, path, access) are recorded once and counted, distinct
/// ones past the cap are counted as suppressed, and both counts end the record as one events_suppressed event inside the
/// verified chain, which the violations show. A session without repeats or overflow gets no such event.
/// </summary>
public sealed class AuditEventVolumeTests
{
    [Fact]
    public async Task FloodOfRepeatsAndDistinctDenials_RecordsOncePerDenialUpToTheCap_AndCountsTheRestInTheChain()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TempDirectory temp = new("nono-volume-");
        string id;
        await using (AuditSession session = await AuditSession.CreateAsync(temp.Path, new SessionStart { Command = ["flood"] }, cancellationToken: ct))
        {
            id = session.SessionId;
            AuditFilesystemSink sink = new(session, cap: 8);
            // From several threads at once, as observers report.
            Parallel.For(0, 4, worker =>
            {
                for (int i = 0; i < 1000; i++)
                {
                    sink.Record(Denial("/etc/shadow", "read"));
                }
            });
            sink.Record(Denial("/etc/shadow", "write")); // another access: a distinct denial
            for (int i = 0; i < 20; i++)
            {
                sink.Record(Denial($"/root/secret-{i}", "read"));
            }

            await sink.DisposeAsync();
            await session.CompleteAsync(new SessionEnd { ExitCode = 0 }, ct);
        }

        IReadOnlyList<AuditRecord> records = await new AuditStore(temp.Path).ReadEventsAsync(id, ct);
        AuditVerification verification = await AuditVerifier.VerifyAsync(temp.Path, id, cancellationToken: ct);
        IReadOnlyList<AuditViolation> violations = ViolationRules.Evaluate(records);

        Assert.True(verification.Verified, string.Join("; ", verification.Checks.SelectMany(c => c.Problems)));
        List<FilesystemDeniedEvent> denied = [.. records.Select(r => r.Event).OfType<FilesystemDeniedEvent>()];
        Assert.Equal(8, denied.Count);
        Assert.Single(denied, d => d.Path == "/etc/shadow" && d.Access == "read");
        EventsSuppressedEvent summary = Assert.Single(records.Select(r => r.Event).OfType<EventsSuppressedEvent>());
        Assert.Equal(("filesystem_denied", 14L, 3999L, 8), (summary.Kind, summary.Suppressed, summary.Repeated, summary.Cap)); // 22 distinct, 8 recorded
        RepeatedEvent top = Assert.Single(summary.Repeats);
        Assert.Equal(("/etc/shadow", "read", "seccomp-observer", 4000L), (top.Subject, top.Access, top.Mechanism, top.Count));
        Assert.IsType<SessionEndedEvent>(records[^1].Event); // the count is inside the chain, before the end
        Assert.Contains(violations, v => v.RuleId == ViolationRules.EventsSuppressed && v.Severity == ViolationSeverity.High && v.Evidence.StartsWith("14 filesystem_denied event(s) past the cap of 8 not recorded", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FewDistinctDenials_AreAllRecorded_WithoutASuppressionEvent()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TempDirectory temp = new("nono-volume-");
        string id;
        await using (AuditSession session = await AuditSession.CreateAsync(temp.Path, new SessionStart { Command = ["quiet"] }, cancellationToken: ct))
        {
            id = session.SessionId;
            AuditFilesystemSink sink = new(session, cap: 8);
            for (int i = 0; i < 8; i++)
            {
                sink.Record(Denial($"/root/secret-{i}", "read"));
            }

            await sink.DisposeAsync();
            await session.CompleteAsync(new SessionEnd { ExitCode = 0 }, ct);
        }

        IReadOnlyList<AuditRecord> records = await new AuditStore(temp.Path).ReadEventsAsync(id, ct);

        Assert.Equal(8, records.Select(r => r.Event).OfType<FilesystemDeniedEvent>().Count());
        Assert.Empty(records.Select(r => r.Event).OfType<EventsSuppressedEvent>());
    }

    private static FilesystemObservation Denial(string path, string access) =>
        new(path, access, 42, "seccomp-observer", null, DateTimeOffset.UtcNow);
}
