using Nono.Core.Diagnostics;
using Nono.Core.Snapshots.Native;

namespace Nono.Core.Snapshots;

public sealed partial class SnapshotStore
{
    /// <summary>
    /// Applies <paramref name="policy"/>: removes the sessions it selects, then every object no kept
    /// session references (under the exclusive store lock, so concurrent snapshots are safe).
    /// </summary>
    public Task<RetentionResult> CleanupAsync(RetentionPolicy policy, bool dryRun = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.KeepCount is < 0 || policy.MaxTotalBytes is < 0 || policy.OlderThan < TimeSpan.Zero)
        {
            throw new NonoException(NonoErrorCode.InvalidPolicy, "retention limits must not be negative");
        }

        return Task.Run(() => Cleanup(policy, dryRun, cancellationToken), cancellationToken);
    }

    private RetentionResult Cleanup(RetentionPolicy policy, bool dryRun, CancellationToken cancellationToken)
    {
        using SafeFd storeLock = Lock(exclusive: true);
        ObjectStore objects = Objects(3);
        List<SessionInfo> sessions = [.. ListSessions()];
        Dictionary<string, HashSet<string>> references = sessions.ToDictionary(s => s.Id, s => OpenSession(s.Id).ReferencedObjects(), StringComparer.Ordinal);
        HashSet<string> remove = new(StringComparer.Ordinal);
        DateTimeOffset now = Time.GetUtcNow();
        for (int i = 0; i < sessions.Count; i++)
        {
            bool tooMany = policy.KeepCount is int keep && i < sessions.Count - keep;
            bool tooOld = policy.OlderThan is TimeSpan age && sessions[i].CreatedAt < now - age;
            if (tooMany || tooOld)
            {
                remove.Add(sessions[i].Id);
            }
        }

        Dictionary<string, long> sizes = [];
        long SizeOf(string hash)
        {
            if (!sizes.TryGetValue(hash, out long size))
            {
                sizes[hash] = size = objects.CompressedSize(hash);
            }

            return size;
        }

        long KeptSize() => sessions.Where(s => !remove.Contains(s.Id)).SelectMany(s => references[s.Id]).Distinct(StringComparer.Ordinal).Sum(SizeOf);
        if (policy.MaxTotalBytes is long max)
        {
            foreach (SessionInfo session in sessions.Where(s => !remove.Contains(s.Id)).ToList())
            {
                if (KeptSize() <= max)
                {
                    break;
                }

                remove.Add(session.Id);
            }
        }

        HashSet<string> kept = new(sessions.Where(s => !remove.Contains(s.Id)).SelectMany(s => references[s.Id]), StringComparer.Ordinal);
        List<string> garbage = [.. objects.EnumerateHashes().Where(h => !kept.Contains(h))];
        long freed = garbage.Sum(SizeOf);
        if (!dryRun)
        {
            foreach (string id in remove)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Directory.Delete(SessionDirectory(id), recursive: true);
            }

            foreach (string hash in garbage)
            {
                objects.Delete(hash);
            }

            objects.PurgeTemp();
        }

        return new RetentionResult
        {
            DryRun = dryRun,
            RemovedSessions = [.. sessions.Where(s => remove.Contains(s.Id)).Select(s => s.Id)],
            RemovedObjects = garbage.Count,
            FreedBytes = freed,
            KeptBytes = kept.Sum(SizeOf),
        };
    }
}
