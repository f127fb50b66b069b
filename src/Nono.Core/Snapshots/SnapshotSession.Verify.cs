using System.Collections.Concurrent;
using Nono.Core.Diagnostics;

namespace Nono.Core.Snapshots;

public sealed partial class SnapshotSession
{
    /// <summary>
    /// Recomputes each snapshot's Merkle root and compares it with the manifest and the session
    /// index, then decompresses and re-hashes every referenced object. Collects all problems.
    /// </summary>
    public Task<VerifyResult> VerifyAsync(CancellationToken cancellationToken = default) =>
        Task.Run(() => Verify(cancellationToken), cancellationToken);

    private VerifyResult Verify(CancellationToken cancellationToken)
    {
        List<string> problems = [];
        Dictionary<string, long> objects = new(StringComparer.Ordinal);
        Dictionary<string, string> neededFor = new(StringComparer.Ordinal); // object -> the first file that uses it, for the message
        for (int i = 0; i < Info.Snapshots.Count; i++)
        {
            Manifest manifest;
            try
            {
                manifest = LoadManifest(i);
            }
            catch (NonoException ex)
            {
                problems.Add($"snapshot {i}: {ex.Message}");
                continue;
            }

            string computed = MerkleTree.ComputeRoot(manifest);
            if (computed != manifest.MerkleRoot || computed != Info.Snapshots[i].MerkleRoot)
            {
                problems.Add($"snapshot {i}: Merkle root {computed[..16]}… does not match the recorded {Info.Snapshots[i].MerkleRoot[..Math.Min(16, Info.Snapshots[i].MerkleRoot.Length)]}…");
            }

            for (int r = 0; r < manifest.Roots.Count; r++)
            {
                string directory = r < Info.Roots.Count ? RootLocation(r).Directory : manifest.Roots[r].Root;
                foreach (ManifestEntry entry in manifest.Roots[r].Entries)
                {
                    if (entry.Type != EntryType.File)
                    {
                        continue;
                    }

                    if (entry.Hash is null || entry.Hash.Length != 64)
                    {
                        problems.Add($"snapshot {i}: {RootPlan.Where(directory, entry.Raw)} has no valid content hash");
                    }
                    else if (objects.TryAdd(entry.Hash, entry.Size))
                    {
                        neededFor[entry.Hash] = $"{RootPlan.Where(directory, entry.Raw)} in snapshot {i}";
                    }
                }
            }
        }

        using ObjectStore store = Store.Objects(Info.Options.CompressionLevel);
        problems.AddRange(store.Packs.Problems.Select(p => "pack " + p));
        ConcurrentBag<string> objectProblems = [];
        ParallelWork.ForEach(objects, pair =>
        {
            try
            {
                store.Verify(pair.Key, pair.Value);
            }
            catch (NonoException ex)
            {
                objectProblems.Add($"{ex.Message}, needed for {neededFor[pair.Key]}");
            }
        }, cancellationToken);
        problems.AddRange(objectProblems.Order(StringComparer.Ordinal));
        return new VerifyResult { Session = Id, Snapshots = Info.Snapshots.Count, Objects = objects.Count, Problems = problems };
    }

    /// <summary>Every object hash referenced by any snapshot of this session, with its content size.</summary>
    internal Dictionary<string, long> ReferencedObjects()
    {
        Dictionary<string, long> hashes = new(StringComparer.Ordinal);
        for (int i = 0; i < Info.Snapshots.Count; i++)
        {
            foreach (ManifestEntry entry in LoadManifest(i).Roots.SelectMany(r => r.Entries))
            {
                if (entry.Hash is not null)
                {
                    hashes[entry.Hash] = entry.Size;
                }
            }
        }

        return hashes;
    }
}
