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
    public async Task<IReadOnlyList<SessionMetadata>> ListAsync(CancellationToken cancellationToken = default) =>
        (await ListAllAsync(cancellationToken)).Sessions;

    /// <summary>
    /// All sessions with a readable session.json, newest first, and the sessions whose session.json exists but cannot be
    /// read (strict parsing refuses it, or it cannot be opened), each with a one-line reason, in id order.
    /// </summary>
    public async Task<(IReadOnlyList<SessionMetadata> Sessions, IReadOnlyList<UnreadableSession> Unreadable)> ListAllAsync(CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(Root))
        {
            return ([], []);
        }

        List<SessionMetadata> sessions = [];
        List<UnreadableSession> unreadable = [];
        foreach (string directory in Directory.EnumerateDirectories(Root))
        {
            string id = Path.GetFileName(directory);
            if (!AuditSessionId.IsValid(id))
            {
                continue;
            }

            (SessionMetadata? metadata, string? problem) = await LoadAsync(id, cancellationToken);
            if (metadata is not null)
            {
                sessions.Add(metadata);
            }
            else if (problem is not null)
            {
                unreadable.Add(new UnreadableSession(id, problem));
            }
        }

        return ([.. sessions.OrderByDescending(s => s.StartedAt).ThenByDescending(s => s.SessionId, StringComparer.Ordinal)],
            [.. unreadable.OrderBy(u => u.SessionId, StringComparer.Ordinal)]);
    }

    /// <summary>The session's metadata, or null when the session does not exist or its session.json is unreadable.</summary>
    public async Task<SessionMetadata?> TryLoadAsync(string sessionId, CancellationToken cancellationToken = default) =>
        (await LoadAsync(sessionId, cancellationToken)).Metadata;

    /// <summary>
    /// The session's metadata; or, when its session.json exists but cannot be read, why (one line); neither when the
    /// session does not exist.
    /// </summary>
    public async Task<(SessionMetadata? Metadata, string? Problem)> LoadAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        if (!AuditSessionId.IsValid(sessionId))
        {
            return (null, null);
        }

        string path = Path.Combine(Root, sessionId, AuditFormat.SessionFile);
        if (!File.Exists(path))
        {
            return (null, null);
        }

        try
        {
            SessionMetadata? metadata = JsonSerializer.Deserialize(await File.ReadAllBytesAsync(path, cancellationToken), AuditJsonContext.Default.SessionMetadata);
            return metadata is null ? (null, $"{AuditFormat.SessionFile} holds null") : (metadata, null);
        }
        catch (JsonException ex)
        {
            return (null, $"{AuditFormat.SessionFile} does not parse: {ex.Message.ReplaceLineEndings(" ")}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, $"{AuditFormat.SessionFile} cannot be read: {ex.Message.ReplaceLineEndings(" ")}");
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
