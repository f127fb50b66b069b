using Microsoft.Extensions.FileSystemGlobbing;
using Nono.Core.Audit;
using Nono.Core.Audit.Events;
using Nono.Core.Snapshots;
using Nono.Core.Trust.Keys;
using AuditChange = Nono.Core.Audit.Events.FileChangeKind;

namespace Nono.Action.Session;

/// <summary>
/// The record of one supervised run: the audit session (started before the child, completed after it),
/// the baseline and final snapshots and their diff as file-change events, and the optional signature.
/// </summary>
internal sealed class RunRecording : IAsyncDisposable
{
    private readonly RecordingOptions _options;
    private readonly AuditSession? _audit;
    private readonly SnapshotSession? _snapshots;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private IReadOnlyDictionary<string, string>? _gitBefore;
    private GitControlBaseline? _gitBaseline;
    private bool _completed;

    private RunRecording(RecordingOptions options, AuditSession? audit, SnapshotSession? snapshots, IReadOnlyDictionary<string, string> environment)
    {
        _options = options;
        _audit = audit;
        _snapshots = snapshots;
        _environment = environment;
        ProxySink = new AuditProxySink(audit);
        FilesystemSink = new AuditFilesystemSink(audit);
    }

    /// <summary>The session id (audit and snapshots share it), or null when nothing is recorded.</summary>
    public string? SessionId => _audit?.SessionId ?? _snapshots?.Id;

    public string AuditRoot => Path.Combine(_options.StateRoot, "audit");

    /// <summary>Feeds proxy events into the audit log.</summary>
    public AuditProxySink ProxySink { get; }

    /// <summary>Feeds observed filesystem denials into the audit log.</summary>
    public AuditFilesystemSink FilesystemSink { get; }

    /// <summary>Which filesystem observers ran (recorded before the end), once the run set it.</summary>
    public IReadOnlyList<Nono.Core.Audit.Observers.ObserverReport>? Observers { get; set; }

    /// <summary>Why the network namespace's DNS trap was unavailable in this run, if it was; recorded at completion.</summary>
    public string? DnsTrapUnavailable { get; set; }

    /// <summary>The diff between the baseline and the final snapshot, once completed with snapshots on.</summary>
    public SnapshotDiff? Diff { get; private set; }

    /// <summary>Excluded paths (bin, node_modules, ...) whose metadata changed, once completed with snapshots on.</summary>
    public IReadOnlyList<ExcludedTreeChange> ExcludedChanges { get; private set; } = [];

    public static async Task<RunRecording> StartAsync(RecordingOptions options, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        AuditSession? audit = null;
        if (options.Audit)
        {
            audit = await AuditSession.CreateAsync(
                Path.Combine(options.StateRoot, "audit"),
                new SessionStart
                {
                    Command = CommandRedactor.Redact(options.Command, options.Secrets),
                    PolicyDigest = options.PolicyDigest,
                    EnforcementTier = options.EnforcementTier,
                    LandlockAbi = options.LandlockAbi,
                    Kernel = options.Kernel,
                    Runner = options.Runner,
                    SessionId = options.SessionId,
                },
                cancellationToken: cancellationToken);
            foreach (string mode in options.WeakerModes)
            {
                await audit.AppendAsync(new PolicyWeakenedEvent { Setting = "enforcement", To = mode, Reason = "explicit --allow-weaker opt-in" }, cancellationToken);
            }
        }

        SnapshotSession? snapshots = null;
        if (options.SnapshotRoots.Count > 0)
        {
            string id = audit?.SessionId ?? Nono.Core.Snapshots.SessionId.New(TimeProvider.System);
            snapshots = SnapshotSession.Begin(SnapshotStore.Open(options.StateRoot), id, options.SnapshotRoots, options.SnapshotOptions);
            await snapshots.TakeSnapshotAsync("baseline", cancellationToken: cancellationToken);
        }

        RunRecording recording = new(options, audit, snapshots, environment);
        if (audit is not null && options.GitControlRoots is { } roots)
        {
            recording._gitBaseline = GitBaseline(options.WorkingDirectory, roots);
            recording._gitBefore = recording._gitBaseline?.Fingerprint ?? GitFingerprint(options.WorkingDirectory, roots, "before");
        }
        else if (audit is not null)
        {
            recording._gitBefore = GitFingerprint(options.WorkingDirectory, null, "before");
        }

        return recording;
    }

    /// <summary>
    /// How long a command may run before the start of its record is made durable. A command that ends sooner is recorded
    /// durably by the completion alone (two fsyncs less on its exit path); a power loss before that completion ends loses
    /// the record of a command that ran at most this long (docs/notes/s14-auditfast.md). Far below the page cache's own
    /// writeback (ext4 commits every 5 s, dirty pages are written after 30 s), so it widens a window that was already
    /// there by little.
    /// </summary>
    public static readonly TimeSpan StartFlushDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Waits up to <see cref="StartFlushDelay"/> for <paramref name="commandExit"/>; if the command still runs, makes the
    /// start of the record durable. On the supervisor's main thread, which would only wait now: the command never waits
    /// for the disk, and no thread is started for it.
    /// </summary>
    public void FlushStartIfStillRunning(Task commandExit)
    {
        if (_audit is null || WaitQuietly(commandExit, StartFlushDelay))
        {
            return;
        }

        _audit.FlushStart();
    }

    /// <summary>
    /// True once <paramref name="task"/> has ended, however (its outcome is for whoever awaits it). Blocks on the task's
    /// wait handle without spinning: <see cref="Task.Wait(TimeSpan)"/> spins and yields twice before it blocks, on the
    /// core the command and the supervisor thread need while the command starts and ends (docs/notes/s15-launch.md).
    /// </summary>
    internal static bool WaitQuietly(Task task, TimeSpan timeout) => ((IAsyncResult)task).AsyncWaitHandle.WaitOne(timeout);

    /// <summary>Takes the final snapshot, records the changes and the end, seals and (optionally) signs the session.</summary>
    public async Task CompleteAsync(int? exitCode, int? signal, CancellationToken cancellationToken)
    {
        _completed = true;
        await ProxySink.DisposeAsync();
        await FilesystemSink.DisposeAsync();
        if (_audit is not null && Observers is not null)
        {
            await _audit.AppendAsync(new FilesystemObserversEvent { Observers = Observers }, cancellationToken);
        }

        if (_audit is not null && DnsTrapUnavailable is not null)
        {
            await _audit.AppendAsync(new DnsTrapUnavailableEvent { Reason = DnsTrapUnavailable }, cancellationToken);
        }

        if (_snapshots is not null)
        {
            await _snapshots.TakeSnapshotAsync("final", cancellationToken: cancellationToken);
            Diff = await _snapshots.DiffAsync(0, 1, includeContent: true, cancellationToken);
            if (_audit is not null)
            {
                Matcher protectedPaths = new(StringComparison.Ordinal);
                protectedPaths.AddIncludePatterns(_options.ProtectedPaths);
                foreach (SnapshotChange change in Diff.Changes)
                {
                    await _audit.AppendAsync(new FileChangedEvent
                    {
                        Path = change.Path,
                        Change = change.Kind switch
                        {
                            ChangeKind.Created => AuditChange.Added,
                            ChangeKind.Deleted => AuditChange.Deleted,
                            _ => AuditChange.Modified,
                        },
                        Protected = _options.ProtectedPaths.Count > 0 && protectedPaths.Match(change.Path).HasMatches,
                        // Signed with the session, these let a reviewer check shipped file contents and roll them back (nono review --apply).
                        BeforeDigest = change.OldHash,
                        AfterDigest = change.NewHash,
                        BeforeSize = change.OldHash is null ? null : change.OldSize,
                        AfterSize = change.NewHash is null ? null : change.NewSize,
                        BeforeType = TypeName(change.OldType),
                        AfterType = TypeName(change.NewType),
                        BeforeMode = change.OldMode,
                        AfterMode = change.NewMode,
                        Root = change.Root,
                    }, cancellationToken);
                }

            }

            IReadOnlyList<SnapshotInfo> taken = _snapshots.Info.Snapshots;
            ExcludedChanges = ExcludedTreeChange.Between(taken[0].Excluded, taken[^1].Excluded);
            if (_audit is not null)
            {
                await RecordExcludedAsync(_audit, ExcludedChanges, cancellationToken);
            }
        }

        if (_audit is null)
        {
            return;
        }

        IReadOnlyList<(string Path, string? Before, string? After)> gitChanges =
            GitControlFiles.Changes(_gitBefore ?? new Dictionary<string, string>(), GitFingerprint(_options.WorkingDirectory, _options.GitControlRoots, "after"));
        // Action mode: put them back, so a later step outside the sandbox does not run what the command planted (the gate still fails).
        IReadOnlyDictionary<string, string>? restored = gitChanges.Count == 0 || _options.GitControlRoots is null ? null
            : _gitBaseline?.Restore(gitChanges) ?? gitChanges.ToDictionary(c => c.Path, _ => "not restored: the state before the run could not be read", StringComparer.Ordinal);
        foreach ((string path, string? before, string? after) in gitChanges)
        {
            AuditChange change = before is null ? AuditChange.Added : after is null ? AuditChange.Deleted : AuditChange.Modified;
            await _audit.AppendAsync(new GitControlChangedEvent { Path = path, Change = change, Before = before, After = after, Restore = restored?.GetValueOrDefault(path) }, cancellationToken);
        }

        await _audit.CompleteAsync(new SessionEnd
        {
            ExitCode = exitCode,
            Signal = signal,
            SnapshotRoots = _snapshots is null ? null : [.. _options.SnapshotRoots],
        }, cancellationToken);
        if (_options.SignKey is not null)
        {
            using SigningKey key = SigningKey.Load(KeyRef.Parse(_options.SignKey, _options.WorkingDirectory), _environment);
            await AuditSigner.SignAsync(AuditRoot, _audit.SessionId, key, cancellationToken);
        }
    }

    /// <summary>Excluded paths (bin, node_modules, ...) whose metadata changed between the baseline and the final snapshot.</summary>
    private static async Task RecordExcludedAsync(AuditSession audit, IReadOnlyList<ExcludedTreeChange> changes, CancellationToken cancellationToken)
    {
        // Many excluded files (a user pattern such as *.o) could each change: the events are capped and the rest counted.
        const int Cap = 1000;
        if (changes.Count > Cap)
        {
            await audit.AppendAsync(new EventsSuppressedEvent { Kind = "excluded_path_changed", Suppressed = changes.Count - Cap, Cap = Cap }, cancellationToken);
        }

        foreach (ExcludedTreeChange change in changes.Take(Cap))
        {
            await audit.AppendAsync(new ExcludedPathChangedEvent
            {
                Path = change.Path,
                Change = change.Kind switch
                {
                    ChangeKind.Created => AuditChange.Added,
                    ChangeKind.Deleted => AuditChange.Deleted,
                    _ => AuditChange.Modified,
                },
                EntriesBefore = change.EntriesBefore,
                EntriesAfter = change.EntriesAfter,
                Root = change.Root,
                Complete = change.Complete,
            }, cancellationToken);
        }
    }

    /// <summary>The git control files where the command ran (and under <paramref name="roots"/>); a failure to read them is recorded with its moment, so it always shows as a change.</summary>
    private static IReadOnlyDictionary<string, string> GitFingerprint(string workingDirectory, IReadOnlyList<string>? roots, string moment)
    {
        try
        {
            return roots is null ? GitControlFiles.Fingerprint(workingDirectory) : GitControlFiles.Fingerprint(workingDirectory, roots);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Nono.Core.Diagnostics.NonoException)
        {
            return new Dictionary<string, string> { [".git"] = $"unreadable {moment} the run: {ex.Message}" };
        }
    }

    private static GitControlBaseline? GitBaseline(string workingDirectory, IReadOnlyList<string> roots)
    {
        try
        {
            return GitControlBaseline.Capture(workingDirectory, roots);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Nono.Core.Diagnostics.NonoException)
        {
            return null; // the plain fingerprint below records the failure; nothing can be put back
        }
    }

    private static string? TypeName(EntryType? type) => type?.ToString().ToLowerInvariant();

    public async ValueTask DisposeAsync()
    {
        if (!_completed)
        {
            await ProxySink.DisposeAsync();
            await FilesystemSink.DisposeAsync();
        }

        if (_audit is not null)
        {
            await _audit.DisposeAsync();
        }
    }
}
