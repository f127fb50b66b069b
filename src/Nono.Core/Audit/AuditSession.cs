using Nono.Core.Audit.Events;
using Nono.Core.Diagnostics;
using Nono.Core.Trust;

namespace Nono.Core.Audit;

/// <summary>
/// Records one supervised session: appends each event to audit-events.ndjson as it happens (one write(2) per
/// event before <see cref="AppendAsync"/> returns, so a crash of the supervisor loses at most the event in
/// flight), then on <see cref="CompleteAsync"/> fsyncs, writes the integrity summary to session.json and appends
/// the session to the chained ledger. Thread-safe.
/// </summary>
/// <remarks>
/// Durability: a crash of nono loses nothing written (the page cache outlives the process). Against a power loss, the
/// start of the session (the "running" session.json, the first events and their names) is fsynced by
/// <see cref="FlushStart"/>, which the supervisor calls only when the command is still running after a short delay
/// (a power loss during a long command then still leaves the "running" record); a command that ends sooner is covered by
/// the completion's fsyncs alone, which make the same files durable in their final form (see
/// docs/notes/s14-auditfast.md for what a power loss at each moment leaves). At the end the events, session.json, the
/// names in the session folder and the session folder's own name, and the ledger are each fsynced before
/// <see cref="CompleteAsync"/> returns, on the calling thread and one helper thread: no thread-pool thread is started
/// for the record (measurable in nono's start-up).
/// </remarks>
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
    private readonly Lock _startFlushLock = new();
    private StartFlush _startFlush;
    private System.Runtime.ExceptionServices.ExceptionDispatchInfo? _startFlushError;

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

    private enum StartFlush
    {
        Pending,
        Done,
        Skipped,
    }

    /// <summary>Whether <see cref="FlushStart"/> ran (for tests: a command that ended at once needs none).</summary>
    internal bool StartFlushed => _startFlush == StartFlush.Done;

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
        await AtomicFile.ReplaceAsync(Path.Combine(directory, AuditFormat.SessionFile), SerializeMetadata(metadata), PrivateFile, cancellationToken);
        FileStreamOptions eventsOptions = FileModes.Options(FileMode.CreateNew, FileAccess.Write, FileShare.Read, PrivateFile);
        eventsOptions.BufferSize = 0; // every append is exactly one write(2)
        FileStream events = new(Path.Combine(directory, AuditFormat.EventsFile), eventsOptions);
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
            AppendLocked(auditEvent, cancellationToken);
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
            AppendLocked(new SessionEndedEvent { Timestamp = now, ExitCode = end.ExitCode, Signal = end.Signal, DurationMs = duration }, cancellationToken);
            // No start flush here: the fsyncs below cover the same files in their final form. A start flush that ran
            // has already made the session folder's name durable; its failure is reported now.
            bool folderNameDurable = EndStartFlush();
            _startFlushError?.Throw();
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
            byte[] metadataBytes = SerializeMetadata(final);

            // The events file, then session.json (temp file, fsync, rename, directory fsync), then the ledger entry last
            // and only when both are on disk: a ledger entry then means the whole record is durable, and an interrupted
            // completion (SIGKILL, power loss, a full disk) shows as "no ledger entry" rather than as a ledger that names
            // bytes that were never written, which would read like tampering (review of s9-startup).
            // The events fsync and the session.json temp file's fsync are independent: they overlap; the rename waits for
            // both, so a completed session.json never reaches the disk before the events it names. The audit root's fsync
            // (the session folder's name, when no start flush made it durable) only has to come before the ledger entry:
            // it runs on the helper after the events, alongside the rename and the session folder's fsync, rather than
            // before them (one fsync round trip less on the exit path; docs/notes/s15-launch.md).
            cancellationToken.ThrowIfCancellationRequested();
            string sessionFile = Path.Combine(Directory, AuditFormat.SessionFile);
            using (EventsFlush flush = EventsFlush.Start(FlushAndCloseEvents, folderNameDurable ? null : () => AtomicFile.FlushDirectory(_auditRoot)))
            {
                string staged = AtomicFile.Stage(sessionFile, metadataBytes, PrivateFile);
                try
                {
                    flush.WaitFirst();
                }
                catch
                {
                    File.Delete(staged);
                    throw;
                }

                AtomicFile.Commit(staged, sessionFile); // its directory fsync also makes the events file's name durable
                flush.Wait(); // the session folder's name, before the ledger names the session
            }

            await AuditLedger.AppendAsync(
                _auditRoot,
                new LedgerEntry
                {
                    SessionId = SessionId,
                    CompletedAt = now,
                    EventCount = _leaves.Count,
                    ChainHead = final.Integrity.ChainHead,
                    MerkleRoot = final.Integrity.MerkleRoot,
                    SessionDigest = Convert.ToHexStringLower(ManagedSha256.HashData(metadataBytes)),
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
            // A failed flush is reported by CompleteAsync; a session never completed stays "running" on disk.
            FlushStart();
            await _events.DisposeAsync();
        }

        _gate.Dispose();
    }

    internal static byte[] SerializeMetadata(SessionMetadata metadata)
    {
        byte[] json = AuditJsonWriter.Metadata(metadata);
        return [.. json, (byte)'\n'];
    }

    /// <summary>
    /// Makes the start of the session durable: the "running" session.json, the events so far, their names in the session
    /// folder and the folder's name in the audit root. See the remarks on the type. Once per session, on the calling
    /// thread, and not after <see cref="CompleteAsync"/> began; never throws: a failure is reported by <see cref="CompleteAsync"/>.
    /// </summary>
    public void FlushStart()
    {
        lock (_startFlushLock) // a second caller returns once the first has finished, so CompleteAsync sees its outcome
        {
            if (_startFlush != StartFlush.Pending)
            {
                return;
            }

            _startFlush = StartFlush.Done;
            try
            {
                AtomicFile.FlushToDisk(Path.Combine(Directory, AuditFormat.SessionFile));
                AtomicFile.FlushToDisk(Path.Combine(Directory, AuditFormat.EventsFile));
                AtomicFile.FlushDirectory(Directory);
                AtomicFile.FlushDirectory(_auditRoot);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NonoException)
            {
                _startFlushError = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex);
            }
        }
    }

    /// <summary>Whether the start flush ran (and so made the session folder's name durable); none starts after this.</summary>
    private bool EndStartFlush()
    {
        lock (_startFlushLock)
        {
            bool ran = _startFlush == StartFlush.Done;
            _startFlush = ran ? StartFlush.Done : StartFlush.Skipped;
            return ran;
        }
    }

    private void FlushAndCloseEvents()
    {
        _events.Flush(flushToDisk: true);
        _events.Dispose();
    }

    private void AppendLocked(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        if (auditEvent.Timestamp == default)
        {
            auditEvent = auditEvent with { Timestamp = _time.GetUtcNow() };
        }

        long seq = _leaves.Count;
        byte[] eventJson = AuditJsonWriter.Event(auditEvent);
        byte[] leaf = AuditHashing.Leaf(seq, eventJson);
        byte[] chain = AuditHashing.Chain(_chain, leaf);
        byte[] line = AuditEventLog.FormatLine(seq, leaf, chain, eventJson);

        // One write(2) per line (the stream is unbuffered): a crash of this process loses at most this event.
        // Synchronous on purpose: async file I/O would hop to the thread pool for a write to the page cache.
        cancellationToken.ThrowIfCancellationRequested();
        _events.Write(line);
        _leaves.Add(leaf);
        _chain = chain;
        if (ViolationRules.Evaluate(seq, auditEvent) is not null)
        {
            _violations++;
        }
    }
}
