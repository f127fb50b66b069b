using System.Runtime.Versioning;
using Nono.Core.Diagnostics;
using Nono.Core.Snapshots.Native;

namespace Nono.Core.Snapshots;

/// <summary>
/// The snapshot state under one state root (normally <c>$XDG_STATE_HOME/nono</c>):
/// <c>objects/</c> holds zstd objects shared by all sessions, <c>rollbacks/&lt;session&gt;/</c>
/// holds each session's index and manifests. All of it is private (0700) and must never be
/// granted to a sandbox.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed partial class SnapshotStore
{
    private SnapshotStore(string stateRoot, TimeProvider time)
    {
        StateRoot = stateRoot;
        Time = time;
        ObjectStore.CreatePrivateDirectory(stateRoot);
        ObjectStore.CreatePrivateDirectory(RollbacksDirectory);
        ObjectStore.CreatePrivateDirectory(ObjectsDirectory);
    }

    /// <summary>The state root this store lives in.</summary>
    public string StateRoot { get; }

    /// <summary>Where sessions live: <c>StateRoot/rollbacks</c>.</summary>
    public string RollbacksDirectory => Path.Combine(StateRoot, "rollbacks");

    /// <summary>Where shared objects live: <c>StateRoot/objects</c>.</summary>
    public string ObjectsDirectory => Path.Combine(StateRoot, "objects");

    internal TimeProvider Time { get; }

    /// <summary>Opens (creating if needed) the store under <paramref name="stateRoot"/>.</summary>
    public static SnapshotStore Open(string stateRoot, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateRoot);
        return new SnapshotStore(Path.GetFullPath(stateRoot), time ?? TimeProvider.System);
    }

    /// <summary><c>$XDG_STATE_HOME/nono</c>, or <c>$HOME/.local/state/nono</c> when XDG_STATE_HOME is unset or relative.</summary>
    public static string DefaultStateRoot(IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (environment.TryGetValue("XDG_STATE_HOME", out string? xdg) && Path.IsPathFullyQualified(xdg))
        {
            return Path.Combine(xdg, "nono");
        }

        if (environment.TryGetValue("HOME", out string? home) && Path.IsPathFullyQualified(home))
        {
            return Path.Combine(home, ".local", "state", "nono");
        }

        throw new NonoException(NonoErrorCode.InvalidPolicy, "cannot locate the state directory: neither XDG_STATE_HOME nor HOME is an absolute path");
    }

    /// <summary>All sessions, oldest first.</summary>
    public IReadOnlyList<SessionInfo> ListSessions()
    {
        List<SessionInfo> sessions = [];
        foreach (string dir in Directory.EnumerateDirectories(RollbacksDirectory))
        {
            string index = Path.Combine(dir, "session.json");
            if (SessionId.IsValid(Path.GetFileName(dir)) && File.Exists(index))
            {
                sessions.Add(StateFiles.ReadSession(index));
            }
        }

        return [.. sessions.OrderBy(s => s.CreatedAt).ThenBy(s => s.Id, StringComparer.Ordinal)];
    }

    /// <summary>Opens an existing session; a bad or unknown id is a one-line <see cref="NonoException"/>.</summary>
    public SnapshotSession OpenSession(string sessionId)
    {
        string dir = SessionDirectory(sessionId);
        string index = Path.Combine(dir, "session.json");
        if (!File.Exists(index))
        {
            throw new NonoException(NonoErrorCode.InvalidPolicy, $"no rollback session '{sessionId}' (see 'nono rollback list')");
        }

        return new SnapshotSession(this, dir, StateFiles.ReadSession(index));
    }

    /// <summary>The most recently created session, or null when there is none.</summary>
    public SnapshotSession? MostRecentSession()
    {
        IReadOnlyList<SessionInfo> all = ListSessions();
        return all.Count == 0 ? null : OpenSession(all[^1].Id);
    }

    internal string SessionDirectory(string sessionId) => SessionId.IsValid(sessionId)
        ? Path.Combine(RollbacksDirectory, sessionId)
        : throw new NonoException(NonoErrorCode.InvalidPolicy, $"invalid session id '{sessionId}': use letters, digits, '.', '_' and '-'");

    internal ObjectStore Objects(int compressionLevel, bool packSmallObjects = true) => new(ObjectsDirectory, compressionLevel, packSmallObjects);

    /// <summary>
    /// Shared lock for writers (snapshot, restore), exclusive for garbage collection, so cleanup
    /// never deletes an object a concurrent snapshot has just written but not yet referenced.
    /// </summary>
    internal SafeFd Lock(bool exclusive)
    {
        return Fs.LockFile(ObjectsDirectory, exclusive);
    }
}
