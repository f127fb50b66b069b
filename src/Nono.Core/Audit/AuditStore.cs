using System.Text.Json;

namespace Nono.Core.Audit;

/// <summary>Reads and prunes the sessions under an audit root.</summary>
public sealed class AuditStore
{
    /// <summary>Opens the store at <paramref name="auditRoot"/> (it need not exist yet).</summary>
    public AuditStore(string auditRoot)
    {
        ArgumentException.ThrowIfNullOrEmpty(auditRoot);
        Root = auditRoot;
    }

    /// <summary>The audit root folder.</summary>
    public string Root { get; }

    /// <summary>All sessions with a readable session.json, newest first.</summary>
    public async Task<IReadOnlyList<SessionMetadata>> ListAsync(CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(Root))
        {
            return [];
        }

        List<SessionMetadata> sessions = [];
        foreach (string directory in Directory.EnumerateDirectories(Root))
        {
            string id = Path.GetFileName(directory);
            if (AuditSessionId.IsValid(id) && await TryLoadAsync(id, cancellationToken) is { } metadata)
            {
                sessions.Add(metadata);
            }
        }

        return [.. sessions.OrderByDescending(s => s.StartedAt).ThenByDescending(s => s.SessionId, StringComparer.Ordinal)];
    }

    /// <summary>The session's metadata, or null when the session does not exist or its session.json is unreadable.</summary>
    public async Task<SessionMetadata?> TryLoadAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        if (!AuditSessionId.IsValid(sessionId))
        {
            return null;
        }

        string path = Path.Combine(Root, sessionId, AuditFormat.SessionFile);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(await File.ReadAllBytesAsync(path, cancellationToken), AuditJsonContext.Default.SessionMetadata);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The session's events (unverified; use <see cref="AuditVerifier.VerifyAsync"/> to check them).</summary>
    public async Task<IReadOnlyList<AuditRecord>> ReadEventsAsync(string sessionId, CancellationToken cancellationToken = default) =>
        AuditSessionId.IsValid(sessionId) ? await AuditEventLog.ReadAllAsync(Path.Combine(Root, sessionId), cancellationToken) : [];

    /// <summary>
    /// Deletes completed sessions beyond the newest <paramref name="keep"/> and/or older than
    /// <paramref name="olderThan"/> (both given: only sessions that are both). Running sessions are never deleted. The ledger keeps its
    /// entries (it is append-only), so it still proves the deleted sessions existed.
    /// </summary>
    public async Task<IReadOnlyList<string>> CleanupAsync(int? keep, TimeSpan? olderThan, TimeProvider time, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(time);
        if (keep is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(keep), "keep must be 0 or more");
        }

        DateTimeOffset now = time.GetUtcNow();
        List<string> removed = [];
        IReadOnlyList<SessionMetadata> sessions = await ListAsync(cancellationToken);
        for (int i = 0; i < sessions.Count; i++)
        {
            SessionMetadata session = sessions[i];
            if (session.Status != SessionStatus.Completed)
            {
                continue;
            }

            bool beyondKeep = keep is int k && i >= k;
            bool tooOld = olderThan is TimeSpan age && now - (session.EndedAt ?? session.StartedAt) > age;
            bool remove = (keep, olderThan) switch
            {
                (null, null) => false,
                (not null, null) => beyondKeep,
                (null, not null) => tooOld,
                _ => beyondKeep && tooOld,
            };
            if (remove)
            {
                Directory.Delete(Path.Combine(Root, session.SessionId), recursive: true);
                removed.Add(session.SessionId);
            }
        }

        return removed;
    }
}
