using System.Text;
using System.Text.Json;
using Nono.Core.Audit;
using Nono.Core.Audit.Events;
using Nono.Core.Audit.Observers;

namespace Nono.Core.Tests.Audit;

/// <summary>The hand-written audit JSON must be the serializer's bytes, for every type and every optional member.</summary>
public sealed class AuditJsonWriterTests
{
    private static readonly DateTimeOffset s_time = new(2026, 11, 30, 14, 39, 48, 681, TimeSpan.Zero);
    private static readonly DateTimeOffset s_offsetTime = new DateTimeOffset(2026, 2, 3, 4, 5, 6, TimeSpan.FromHours(5.5)).AddTicks(1234567);
    private static readonly RunnerIdentity s_runner = new()
    {
        Repository = "o/r", Workflow = "ci", RunId = "1", RunAttempt = "2", Commit = "abc", Ref = "refs/heads/main", Actor = "me", Job = "build",
    };

    private const string Tricky = "quote\" back\\ <tag> & 'x' + ü 日本 \u0001 \t\n 😀";

    public static TheoryData<string, AuditEvent> Events() => new()
    {
        { "started-full", new SessionStartedEvent { Timestamp = s_time, Command = ["/bin/true", Tricky], PolicyDigest = "d", EnforcementTier = "LandlockV6 + network none", LandlockAbi = 7, Kernel = "6.18", Runner = s_runner } },
        { "started-minimal", new SessionStartedEvent { Command = [] } },
        { "started-partial-runner", new SessionStartedEvent { Timestamp = s_offsetTime, Command = ["a"], Runner = new RunnerIdentity { Job = "j" } } },
        { "network-full", new NetworkEvent { Timestamp = s_time, Host = "api.github.com", Port = 443, Method = "GET", Path = "/user?x=1&y=<2>", Decision = NetworkDecision.Allowed, Reason = Tricky, Status = 200 } },
        { "network-minimal", new NetworkEvent { Host = "h", Decision = NetworkDecision.Denied } },
        { "network-undefined-decision", new NetworkEvent { Host = "h", Decision = (NetworkDecision)7 } },
        { "fs-denied-full", new FilesystemDeniedEvent { Timestamp = s_time, Path = "/root/.ssh/id", Access = "read", Pid = 42, Reason = "r", Mechanism = "landlock-audit" } },
        { "fs-denied-minimal", new FilesystemDeniedEvent { Path = Tricky, Access = "write" } },
        { "observers", new FilesystemObserversEvent { Timestamp = s_time, Observers = [ObserverReport.Unavailable("landlock-audit", "the kernel audit is disabled"), new ObserverReport("seccomp-observer", "active", null, 3, long.MaxValue)] } },
        { "observers-empty", new FilesystemObserversEvent { Observers = [] } },
        { "dns-trap", new DnsTrapUnavailableEvent { Timestamp = s_time, Reason = Tricky } },
        { "process-started-full", new ProcessStartedEvent { Timestamp = s_time, Pid = 1, ParentPid = 0, Executable = "/bin/sh", Arguments = ["-c", Tricky] } },
        { "process-started-minimal", new ProcessStartedEvent { Pid = -1, Executable = "" } },
        { "process-exited-full", new ProcessExitedEvent { Timestamp = s_time, Pid = 9, ExitCode = 255, Signal = 9 } },
        { "process-exited-minimal", new ProcessExitedEvent { Pid = int.MaxValue } },
        { "file-changed-full", new FileChangedEvent { Timestamp = s_time, Path = ".github/ci.yml", Change = FileChangeKind.Modified, BeforeDigest = "a", AfterDigest = "b", BeforeSize = 0, AfterSize = long.MaxValue, BeforeType = "file", AfterType = "symlink", BeforeMode = 420, AfterMode = uint.MaxValue, Root = "/w", Protected = true } },
        { "file-changed-added", new FileChangedEvent { Path = "x", Change = FileChangeKind.Added } },
        { "file-changed-deleted", new FileChangedEvent { Path = "x", Change = FileChangeKind.Deleted } },
        { "file-changed-undefined", new FileChangedEvent { Path = "x", Change = (FileChangeKind)(-3) } },
        { "weakened-full", new PolicyWeakenedEvent { Timestamp = s_time, Setting = "network", From = "proxy", To = "open", Reason = Tricky } },
        { "weakened-minimal", new PolicyWeakenedEvent { Setting = "s" } },
        { "git-control-full", new GitControlChangedEvent { Timestamp = s_time, Path = ".git/hooks/pre-commit", Change = FileChangeKind.Modified, Before = "file 0644 3 " + Tricky, After = "symlink -> /tmp/x" } },
        { "git-control-minimal", new GitControlChangedEvent { Path = ".git/config" } },
        { "excluded-full", new ExcludedPathChangedEvent { Timestamp = s_time, Path = "lib/target " + Tricky, Change = FileChangeKind.Added, EntriesBefore = 0, EntriesAfter = long.MaxValue, Root = "/w", Complete = false } },
        { "excluded-minimal", new ExcludedPathChangedEvent { Path = "bin" } },
        { "suppressed-full", new EventsSuppressedEvent { Timestamp = s_time, Kind = "filesystem_denied", Suppressed = 7, Repeated = long.MaxValue, Cap = 4096, Repeats = [new RepeatedEvent { Subject = Tricky, Access = "read", Mechanism = "seccomp-observer", Count = 3 }, new RepeatedEvent { Subject = "/x" }] } },
        { "suppressed-minimal", new EventsSuppressedEvent { Kind = "network" } },
        { "ended-full", new SessionEndedEvent { Timestamp = s_time, ExitCode = 1, Signal = 15, DurationMs = 34 } },
        { "ended-minimal", new SessionEndedEvent() },
    };

    [Fact]
    public void Events_CoverEveryDerivedType()
    {
        HashSet<Type> covered = [.. Events().Select(row => row.Data.Item2.GetType())];
        Type[] all = [.. typeof(AuditEvent).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(AuditEvent)) && !t.IsAbstract)];

        Assert.NotEmpty(all);
        Assert.All(all, t => Assert.Contains(t, covered));
    }

    [Theory]
    [MemberData(nameof(Events))]
    public void Event_Sample_MatchesTheSerializerByteForByte(string name, AuditEvent auditEvent)
    {
        byte[] expected = JsonSerializer.SerializeToUtf8Bytes(auditEvent, AuditJsonContext.Default.AuditEvent);

        byte[] written = AuditJsonWriter.Event(auditEvent);

        Assert.True(expected.AsSpan().SequenceEqual(written), $"{name}\nserializer: {Encoding.UTF8.GetString(expected)}\nwriter:     {Encoding.UTF8.GetString(written)}");
        Assert.Equal(auditEvent, JsonSerializer.Deserialize(written, AuditJsonContext.Default.AuditEvent), EventComparer.Instance);
    }

    public static TheoryData<string, SessionMetadata> Metadata() => new()
    {
        { "running", new SessionMetadata { SessionId = "20261130T143948Z-01908b684864", Status = SessionStatus.Running, StartedAt = s_time, Command = ["/bin/true"], PolicyDigest = "p", EnforcementTier = "t", LandlockAbi = 7, Kernel = "k" } },
        { "minimal", new SessionMetadata { SessionId = "s" } },
        {
            "completed", new SessionMetadata
            {
                Version = 2, SessionId = "s", Status = SessionStatus.Completed, StartedAt = s_offsetTime, EndedAt = s_time, Command = [Tricky, "x"], Runner = s_runner,
                ExitCode = 0, Signal = 2, DurationMs = 34, SnapshotRoots = ["/w", Tricky], ViolationCount = 0,
                Integrity = new IntegritySummary { EventCount = 3, Genesis = "g", ChainHead = "c", MerkleRoot = "m" },
            }
        },
        { "undefined-status", new SessionMetadata { SessionId = "s", Status = (SessionStatus)9, SnapshotRoots = [] } },
    };

    [Theory]
    [MemberData(nameof(Metadata))]
    public void Metadata_Sample_MatchesTheSerializerByteForByte(string name, SessionMetadata metadata)
    {
        byte[] expected = JsonSerializer.SerializeToUtf8Bytes(metadata, AuditJsonContext.Default.SessionMetadata);

        byte[] written = AuditJsonWriter.Metadata(metadata);

        Assert.True(expected.AsSpan().SequenceEqual(written), $"{name}\nserializer: {Encoding.UTF8.GetString(expected)}\nwriter:     {Encoding.UTF8.GetString(written)}");
    }

    [Fact]
    public void Ledger_Entry_MatchesTheSerializerByteForByte()
    {
        LedgerEntry entry = new() { Seq = 999, SessionId = Tricky, CompletedAt = s_offsetTime, EventCount = 3, ChainHead = "c", MerkleRoot = "m", SessionDigest = "d" };

        byte[] written = AuditJsonWriter.Ledger(entry);

        Assert.Equal(Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(entry, AuditJsonContext.Default.LedgerEntry)), Encoding.UTF8.GetString(written));
        Assert.Equal(entry, JsonSerializer.Deserialize(written, AuditJsonContext.Default.LedgerEntry));
    }

    [Fact]
    public void Event_FromTheOnDiskFormat_IsUnchanged()
    {
        // A line written by nono before the hand-written writer (main's AOT build, 2026-11-30), byte for byte.
        const string OnDisk = """{"type":"session_started","command":["/bin/true"],"policy_digest":"fc1cad3ce5bbdb0fe96d1e4311502f465a19292fb6313630de7fcea319b000a1","enforcement_tier":"LandlockV6Scoped \u002B network none \u002B containment pidns","landlock_abi":7,"kernel":"6.18.44-fc-v782","timestamp":"2026-11-30T14:39:48.6811927+00:00"}""";
        AuditEvent parsed = JsonSerializer.Deserialize(OnDisk, AuditJsonContext.Default.AuditEvent)!;

        Assert.Equal(OnDisk, Encoding.UTF8.GetString(AuditJsonWriter.Event(parsed)));
    }

    /// <summary>Records compare lists by reference; this compares events by their serializer JSON instead.</summary>
    private sealed class EventComparer : IEqualityComparer<AuditEvent?>
    {
        public static readonly EventComparer Instance = new();

        public bool Equals(AuditEvent? x, AuditEvent? y) =>
            JsonSerializer.Serialize(x, AuditJsonContext.Default.AuditEvent) == JsonSerializer.Serialize(y, AuditJsonContext.Default.AuditEvent);

        public int GetHashCode(AuditEvent? obj) => 0;
    }
}
