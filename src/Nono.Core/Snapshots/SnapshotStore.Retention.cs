using Nono.Core.Diagnostics;
using Nono.Core.Snapshots.Native;
using Nono.Core.Snapshots.Packs;

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
        using ObjectStore objects = Objects(3);
        List<SessionInfo> sessions = [.. ListSessions()];
        Dictionary<string, Dictionary<string, long>> references = sessions.ToDictionary(s => s.Id, s => OpenSession(s.Id).ReferencedObjects(), StringComparer.Ordinal);
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

        long KeptSize() => sessions.Where(s => !remove.Contains(s.Id)).SelectMany(s => references[s.Id].Keys).Distinct(StringComparer.Ordinal).Sum(SizeOf);
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

        Dictionary<string, long> kept = new(StringComparer.Ordinal);
        foreach (SessionInfo session in sessions.Where(s => !remove.Contains(s.Id)))
        {
            foreach ((string hash, long size) in references[session.Id])
            {
                kept[hash] = size;
            }
        }

        List<string> garbage = [.. objects.EnumerateHashes().Where(h => !kept.ContainsKey(h))];
        PackCompaction packs = PackCompaction.Plan(objects.Packs, kept);

        List<string> looseGarbage = [.. objects.EnumerateLooseHashes().Where(h => !kept.ContainsKey(h))];
        long freed = packs.FreedBytes + looseGarbage.Sum(h => new FileInfo(objects.PathFor(h)).Length);
        if (!dryRun)
        {
            foreach (string id in remove)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Directory.Delete(SessionDirectory(id), recursive: true);
            }

            packs.Apply(objects, kept, cancellationToken);
            foreach (string hash in looseGarbage)
            {
                objects.DeleteLoose(hash);
            }

            PackCompaction.RemoveOrphans(objects.Packs);
            objects.PurgeTemp();
        }

        return new RetentionResult
        {
            DryRun = dryRun,
            RemovedSessions = [.. sessions.Where(s => remove.Contains(s.Id)).Select(s => s.Id)],
            RemovedObjects = garbage.Count,
            FreedBytes = freed,
            KeptBytes = kept.Keys.Sum(SizeOf),
        };
    }
}
