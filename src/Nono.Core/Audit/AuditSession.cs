using System.Security.Cryptography;
using System.Text.Json;
using Nono.Core.Audit.Events;
using Nono.Core.Diagnostics;
using Nono.Core.Trust;

namespace Nono.Core.Audit;

/// <summary>
/// Records one supervised session: appends each event to audit-events.ndjson as it happens (flushed
/// to the kernel before <see cref="AppendAsync"/> returns, so a crash of the supervisor loses at most
/// the event in flight), then on <see cref="CompleteAsync"/> fsyncs, writes the integrity summary to
/// session.json and appends the session to the chained ledger. Thread-safe.
/// </summary>
public sealed class AuditSession : IAsyncDisposable
{
    private const UnixFileMode PrivateFile = FileModes.PrivateFile;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly FileStream _events;
    private readonly TimeProvider _time;
    private readonly SessionMetadata _started;
    private readonly List<byte[]> _leaves = [];
    private readonly string _auditRoot;
    private byte[] _chain;
    private int _violations;
    private bool _completed;

    private AuditSession(string auditRoot, string directory, FileStream events, TimeProvider time, SessionMetadata started)
    {
        _auditRoot = auditRoot;
        Directory = directory;
        _events = events;
        _time = time;
        _started = started;
        _chain = AuditHashing.Genesis(started.SessionId);
    }

    /// <summary>The session id (the folder name under the audit root).</summary>
    public string SessionId => _started.SessionId;

    /// <summary>The session folder.</summary>
    public string Directory { get; }

    /// <summary>Number of events appended so far.</summary>
    public long EventCount => _leaves.Count;

    /// <summary>
    /// Creates the session folder under <paramref name="auditRoot"/> (see <see cref="AuditFormat.AuditRoot"/>;
    /// created 0700), writes a "running" session.json and records the <see cref="SessionStartedEvent"/>.
    /// </summary>
    public static async Task<AuditSession> CreateAsync(string auditRoot, SessionStart start, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(auditRoot);
        ArgumentNullException.ThrowIfNull(start);
        time ??= TimeProvider.System;
        string id = start.SessionId ?? AuditSessionId.New(time);
        if (!AuditSessionId.IsValid(id))
        {
            throw new NonoException(NonoErrorCode.InvalidPolicy, $"invalid audit session id '{id}'");
        }

        FileModes.CreatePrivateDirectory(auditRoot);
        string directory = Path.Combine(auditRoot, id);
        if (System.IO.Directory.Exists(directory))
        {
            throw new NonoException(NonoErrorCode.StateCorrupt, $"audit session {id} already exists", directory);
        }

        FileModes.CreatePrivateDirectory(directory);
        DateTimeOffset now = time.GetUtcNow();

        // Defense in depth: the caller redacts known secret values; flag-shaped secrets are masked here too.
        start = start with { Command = CommandRedactor.Redact(start.Command) };
        SessionMetadata metadata = new()
        {
            SessionId = id,
            Status = SessionStatus.Running,
            StartedAt = now,
            Command = start.Command,
            PolicyDigest = start.PolicyDigest,
            EnforcementTier = start.EnforcementTier,
            LandlockAbi = start.LandlockAbi,
            Kernel = start.Kernel,
            Runner = start.Runner,
        };
        await WriteMetadataAsync(directory, metadata, cancellationToken);
        FileStream events = new(Path.Combine(directory, AuditFormat.EventsFile), FileModes.Options(FileMode.CreateNew, FileAccess.Write, FileShare.Read, PrivateFile));
        AuditSession session = new(auditRoot, directory, events, time, metadata);
        await session.AppendAsync(
            new SessionStartedEvent
            {
                Timestamp = now,
                Command = start.Command,
                PolicyDigest = start.PolicyDigest,
                EnforcementTier = start.EnforcementTier,
                LandlockAbi = start.LandlockAbi,
                Kernel = start.Kernel,
                Runner = start.Runner,
            },
            cancellationToken);
        return session;
    }

    /// <summary>Appends one event (stamped with the current time if it has none) and flushes it.</summary>
    public async Task AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_completed, this);
            await AppendLockedAsync(auditEvent, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Records the <see cref="SessionEndedEvent"/>, fsyncs the events, writes the integrity summary
    /// into session.json and appends the session to the ledger. Returns the final metadata.
    /// </summary>
    public async Task<SessionMetadata> CompleteAsync(SessionEnd end, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(end);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_completed, this);
            DateTimeOffset now = _time.GetUtcNow();
            long duration = (long)(now - _started.StartedAt).TotalMilliseconds;
            await AppendLockedAsync(new SessionEndedEvent { Timestamp = now, ExitCode = end.ExitCode, Signal = end.Signal, DurationMs = duration }, cancellationToken);
            _events.Flush(flushToDisk: true);
            await _events.DisposeAsync();
            _completed = true;

            SessionMetadata final = _started with
            {
                Status = SessionStatus.Completed,
                EndedAt = now,
                ExitCode = end.ExitCode,
                Signal = end.Signal,
                DurationMs = duration,
                SnapshotRoots = end.SnapshotRoots,
                ViolationCount = _violations,
                Integrity = new IntegritySummary
                {
                    EventCount = _leaves.Count,
                    Genesis = AuditHashing.Hex(AuditHashing.Genesis(SessionId)),
                    ChainHead = AuditHashing.Hex(_chain),
                    MerkleRoot = AuditHashing.Hex(MerkleTree.Root(_leaves)),
                },
            };
            byte[] metadataBytes = await WriteMetadataAsync(Directory, final, cancellationToken);
            await AuditLedger.AppendAsync(
                _auditRoot,
                new LedgerEntry
                {
                    SessionId = SessionId,
                    CompletedAt = now,
                    EventCount = _leaves.Count,
                    ChainHead = final.Integrity.ChainHead,
                    MerkleRoot = final.Integrity.MerkleRoot,
                    SessionDigest = Convert.ToHexStringLower(SHA256.HashData(metadataBytes)),
                },
                cancellationToken);
            return final;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Closes the events file. A session not completed stays "running" on disk, and verification says so.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_completed)
        {
            _completed = true;
            await _events.DisposeAsync();
        }

        _gate.Dispose();
    }

    internal static byte[] SerializeMetadata(SessionMetadata metadata)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(metadata, AuditJsonContext.Default.SessionMetadata);
        return [.. json, (byte)'\n'];
    }

    private static async Task<byte[]> WriteMetadataAsync(string directory, SessionMetadata metadata, CancellationToken cancellationToken)
    {
        byte[] bytes = SerializeMetadata(metadata);
        await AtomicFile.WriteAsync(Path.Combine(directory, AuditFormat.SessionFile), bytes, PrivateFile, cancellationToken);
        return bytes;
    }

    private async Task AppendLockedAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        if (auditEvent.Timestamp == default)
        {
            auditEvent = auditEvent with { Timestamp = _time.GetUtcNow() };
        }

        long seq = _leaves.Count;
        byte[] eventJson = JsonSerializer.SerializeToUtf8Bytes(auditEvent, AuditJsonContext.Default.AuditEvent);
        byte[] leaf = AuditHashing.Leaf(seq, eventJson);
        byte[] chain = AuditHashing.Chain(_chain, leaf);
        byte[] line = AuditEventLog.FormatLine(seq, leaf, chain, eventJson);

        // One write per line, flushed to the kernel: a crash of this process loses at most this event.
        await _events.WriteAsync(line, cancellationToken);
        await _events.FlushAsync(cancellationToken);
        _leaves.Add(leaf);
        _chain = chain;
        if (ViolationRules.Evaluate(seq, auditEvent) is not null)
        {
            _violations++;
        }
    }
}
