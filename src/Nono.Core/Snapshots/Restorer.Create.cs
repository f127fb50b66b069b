using Nono.Core.Diagnostics;
using Nono.Core.Snapshots.Native;

namespace Nono.Core.Snapshots;

internal sealed partial class Restorer
{
    /// <summary>Small objects decoded ahead of a creating thread when they could not be kept in memory (bounds memory to about 64 x 256 KiB per creating thread).</summary>
    private const int PrefetchWindow = 64;

    /// <summary>More creating threads than this would only add contention on the file system's allocator.</summary>
    private const int MaxCreators = 4;

    /// <summary>Threads that create inodes: one per core, at most <see cref="MaxCreators"/> (tests set more to exercise the parallel path on any machine).</summary>
    internal int Creators { get; init; } = Math.Clamp(Environment.ProcessorCount, 1, MaxCreators);

    /// <summary>The fewest entries in a chunk handed to a creating thread (tests set it low so that small trees are split too).</summary>
    internal int MinChunk { get; init; } = 64;

    /// <summary>Test hook: runs after every object was verified and before the tree is touched.</summary>
    internal Action? AfterVerify { get; init; }

    /// <summary>Test hook: runs when a root was refused after this restore created others, before it takes them back.</summary>
    internal Action? BeforeTakeBack { get; init; }

    /// <summary>
    /// Overwrite decoded-again content when the creating thread releases it (on in debug builds, so every test restore
    /// checks it): content used after its release would then be written visibly wrong instead of silently right or,
    /// worse, with the next file's bytes.
    /// </summary>
    internal bool PoisonReleasedContent { get; init; }
#if DEBUG
        = true;
#endif

    /// <summary>
    /// Creates the plan's directories (level by level: every parent exists before its children are made), then its
    /// files, then its symlinks. Directories and files are split into chunks of whole sibling runs (a directory's
    /// entries are made by one thread, see <see cref="Chunks"/>) that <see cref="Creators"/> threads take in manifest
    /// order. Why several threads and why whole directories: on ext4 most of a restore's kernel time is inode
    /// allocation, and right after the tree was deleted that is a scan past every "recently deleted" free inode of the
    /// group, per new inode, which is CPU work a second core can share. Two threads creating in the same directories
    /// cost 45 % more kernel CPU (docs/notes/s6-restore.md); in disjoint directories they never slept waiting for each
    /// other and cost about 15 % more CPU in total (docs/notes/s13-restore.md). Decoding is not on these threads: content was decoded
    /// and verified on all cores before the tree was touched and kept in memory, and what did not fit is decoded again
    /// by <see cref="ContentPrefetch"/> workers a bounded window ahead of the thread that writes the chunk.
    /// </summary>
    private void CreateEntries(SafeFd root, RootPlan plan, SafeFd staging, Dictionary<string, StagedObject> staged, CancellationToken cancellationToken)
    {
        foreach (List<ManifestEntry> level in ByDepth(plan.Mkdirs.Where(e => e.Raw.Length > 0), deepestFirst: false))
        {
            ParallelWork.InOrder(Chunks(level, Creators, MinChunk), Creators, (chunk, token) =>
                ForEachInParent(root, plan, chunk, (dir, name, _) => MakeDirectory(dir, name), token), cancellationToken); // siblings share their parent's descriptor
        }

        ParallelWork.InOrder(Chunks(plan.Files, Creators, MinChunk), Creators, (chunk, token) => CreateFiles(root, plan, chunk, staging, staged, token), cancellationToken);

        ForEachInParent(root, plan, plan.Symlinks, (dir, name, entry) =>
        {
            string temp = TempName();
            Fs.SymlinkAt(entry.RawTarget ?? "", dir, temp);
            ReplaceWith(dir, temp, name);
        }, cancellationToken);
    }

    /// <summary>Writes one chunk of files in order on this thread.</summary>
    private void CreateFiles(SafeFd root, RootPlan plan, List<ManifestEntry> files, SafeFd staging, Dictionary<string, StagedObject> staged, CancellationToken cancellationToken)
    {
        // Hashes were checked in Stage; the verified cache does not change while the tree is written.
        List<ManifestEntry> decodeAgain = [.. files.Where(e => !staged.ContainsKey(e.Hash!) && !TryGetKept(e, out _))];
        int decoders = Math.Max(1, Environment.ProcessorCount / Creators);
        using ContentPrefetch prefetch = new(_objects, decodeAgain, decoders, PrefetchWindow, cancellationToken, PoisonReleasedContent);
        ForEachInParent(root, plan, files, (dir, name, entry) =>
        {
            if (staged.TryGetValue(entry.Hash!, out StagedObject? stagedObject))
            {
                PlaceFile(dir, name, entry, staging, stagedObject);
            }
            else if (TryGetKept(entry, out ReadOnlySpan<byte> kept))
            {
                WriteFile(dir, name, entry, kept, plan.Absent.Contains(entry));
            }
            else
            {
                WriteDecodedAgain(dir, name, plan, entry, prefetch);
            }
        }, cancellationToken);
    }

    /// <summary>About this many chunks per creating thread, so that a thread that got cheaper chunks takes more of them.</summary>
    private const int ChunksPerCreator = 16;

    /// <summary>
    /// Splits sorted entries into runs of at least <paramref name="minChunk"/> entries that end only where the parent
    /// directory changes, so two threads never create in the same directory (except a directory whose entries the
    /// manifest order interleaves with a subdirectory's, at a chunk boundary). Few entries, or one thread: one chunk.
    /// </summary>
    internal static List<List<ManifestEntry>> Chunks(List<ManifestEntry> entries, int threads, int minChunk)
    {
        if (threads <= 1 || entries.Count < 2 * minChunk)
        {
            return [entries];
        }

        int size = Math.Max(minChunk, entries.Count / (threads * ChunksPerCreator));
        List<List<ManifestEntry>> chunks = [];
        List<ManifestEntry> chunk = [];
        ReadOnlySpan<char> parent = default;
        foreach (ManifestEntry entry in entries)
        {
            ReadOnlySpan<char> raw = entry.Raw;
            ReadOnlySpan<char> entryParent = raw[..Math.Max(0, raw.LastIndexOf('/'))];
            if (chunk.Count >= size && !entryParent.SequenceEqual(parent))
            {
                chunks.Add(chunk);
                chunk = [];
            }

            chunk.Add(entry);
            parent = entryParent;
        }

        chunks.Add(chunk);
        return chunks;
    }

    /// <summary>Verified content kept in memory for the entry, of exactly its recorded size.</summary>
    private bool TryGetKept(ManifestEntry entry, out ReadOnlySpan<byte> kept) =>
        _verified.TryGet(entry.Hash!, out kept) && kept.Length == entry.Size;

    /// <summary>
    /// Writes content that was verified but not kept. Nothing is created before its second decode succeeded,
    /// so when the store changed since it was checked, no partial file is left and the error says so.
    /// </summary>
    private void WriteDecodedAgain(SafeFd dir, string name, RootPlan plan, ManifestEntry entry, ContentPrefetch prefetch)
    {
        ContentPrefetch.Prefetched content;
        try
        {
            content = prefetch.Take(entry);
        }
        catch (Exception ex) when (IsObjectFailure(ex))
        {
            string where = plan.Where(entry.Raw);
            throw ObjectFailure(where, entry.Hash!, ex, $"stopped before writing {where} (every file written so far is complete); run the restore again", secondRead: true);
        }

        using (content)
        {
            WriteFile(dir, name, entry, content.Content, plan.Absent.Contains(entry));
        }
    }
}
