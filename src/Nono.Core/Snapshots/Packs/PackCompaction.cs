using System.Buffers;
using Nono.Core.Diagnostics;
using Nono.Core.Snapshots.Native;

namespace Nono.Core.Snapshots.Packs;

/// <summary>
/// What cleanup does to packs, given the objects still referenced: a pack whose objects are all
/// live stays; one with none live is deleted; the live objects of the others are copied into new
/// packs (each checked by decoding and SHA-256 before it is copied) and the old packs deleted. New
/// packs are flushed to disk (syncfs) before any old one is removed, and an index is removed before
/// its data, so an interruption at any point loses nothing: at worst an object is in two packs and
/// the next cleanup drops the copy. An object is live in the first pack (in name order) that holds
/// it; later copies count as dead.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class PackCompaction
{
    private readonly List<Pack> _drop = [];
    private readonly List<(Pack Pack, List<PackEntry> Live)> _rewrite = [];

    private PackCompaction()
    {
    }

    private readonly HashSet<string> _claimed = new(StringComparer.Ordinal);

    /// <summary>Compressed bytes that the compaction frees.</summary>
    public long FreedBytes { get; private set; }

    public static PackCompaction Plan(PackSet packs, IReadOnlyDictionary<string, long> kept)
    {
        PackCompaction plan = new();
        foreach (Pack pack in packs.Packs.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            List<PackEntry> live = [.. pack.Entries.Where(e => kept.ContainsKey(e.Hash) && plan._claimed.Add(e.Hash))];
            if (live.Count == pack.Entries.Count)
            {
                continue;
            }

            plan.FreedBytes += pack.Entries.Where(e => !live.Contains(e)).Sum(e => (long)e.Length);
            if (live.Count == 0)
            {
                plan._drop.Add(pack);
            }
            else
            {
                plan._rewrite.Add((pack, live));
            }
        }

        return plan;
    }

    /// <summary>Rewrites and deletes packs. Only call under the exclusive store lock.</summary>
    public void Apply(ObjectStore objects, IReadOnlyDictionary<string, long> kept, CancellationToken cancellationToken)
    {
        PackSet packs = objects.Packs;
        using PackBuilder builder = new();
        foreach ((Pack pack, List<PackEntry> live) in _rewrite)
        {
            cancellationToken.ThrowIfCancellationRequested();
            bool intact = true;
            foreach (PackEntry entry in live)
            {
                if (!TryCopy(objects, builder, entry.Hash, kept[entry.Hash]))
                {
                    intact = false; // keep the old pack: a damaged object is never made to disappear by cleanup
                }

                if (builder.Length >= PackBuilder.TargetSize)
                {
                    _ = builder.Commit(packs, objects.TempDirectory, sync: false);
                }
            }

            if (intact)
            {
                _drop.Add(pack);
            }
        }

        _ = builder.Commit(packs, objects.TempDirectory, sync: false);
        if (_rewrite.Count > 0)
        {
            using SafeFd dir = Fs.OpenDirectory(packs.Directory);
            Fs.SyncFileSystem(dir); // the copies are on disk before an original goes
        }

        foreach (Pack pack in _drop)
        {
            File.Delete(packs.IndexPath(pack.Name));
            File.Delete(packs.DataPath(pack.Name));
        }
    }

    /// <summary>Removes pack data files without an index (a writer killed between its two renames).</summary>
    public static void RemoveOrphans(PackSet packs)
    {
        if (!Directory.Exists(packs.Directory))
        {
            return;
        }

        foreach (string data in Directory.EnumerateFiles(packs.Directory, Pack.Prefix + "*" + Pack.DataExtension))
        {
            string name = Path.GetFileNameWithoutExtension(data);
            if (Pack.IsName(name) && !File.Exists(packs.IndexPath(name)))
            {
                File.Delete(data);
            }
        }
    }

    private static bool TryCopy(ObjectStore objects, PackBuilder builder, string hash, long size)
    {
        byte[] compressed;
        int length;
        try
        {
            compressed = objects.RentCompressedVerified(hash, size, out length);
        }
        catch (NonoException ex) when (ex.Code == NonoErrorCode.VerificationFailed)
        {
            return false;
        }

        try
        {
            _ = builder.Add(hash, compressed.AsSpan(0, length));
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(compressed);
        }
    }
}
