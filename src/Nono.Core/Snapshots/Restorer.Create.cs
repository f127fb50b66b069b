using Nono.Core.Diagnostics;
using Nono.Core.Snapshots.Native;

namespace Nono.Core.Snapshots;

internal sealed partial class Restorer
{
    /// <summary>Small objects decoded ahead of the creating thread when they could not be kept in memory (bounds memory to about 64 x 256 KiB).</summary>
    private const int PrefetchWindow = 64;

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
    /// Creates the plan's directories, files and symlinks on this one thread, in manifest order. On ext4,
    /// inodes of a directory's files come from one block group, and creating them from two threads made
    /// both scan the same group's bitmap (after a delete, every "recently deleted" free inode of it) and
    /// race for the same free inode; one creating thread, as tar has, does that scan once per inode.
    /// Decoding is not on this thread: content was decoded and verified on all cores before the tree was
    /// touched and kept in memory, and what did not fit is decoded again by <see cref="ContentPrefetch"/>
    /// workers a bounded window ahead of this thread.
    /// </summary>
    private void CreateEntries(SafeFd root, RootPlan plan, SafeFd staging, Dictionary<string, StagedObject> staged, CancellationToken cancellationToken)
    {
        foreach (List<ManifestEntry> level in ByDepth(plan.Mkdirs.Where(e => e.Raw.Length > 0), deepestFirst: false))
        {
            ForEachInParent(root, plan, level, (dir, name, _) => MakeDirectory(dir, name), cancellationToken); // siblings share their parent's descriptor
        }

        // Hashes were checked in Stage; the verified cache does not change while the tree is written.
        List<ManifestEntry> decodeAgain = [.. plan.Files.Where(e => !staged.ContainsKey(e.Hash!) && !TryGetKept(e, out _))];
        using (ContentPrefetch prefetch = new(_objects, decodeAgain, Environment.ProcessorCount, PrefetchWindow, cancellationToken, PoisonReleasedContent))
        {
            ForEachInParent(root, plan, plan.Files, (dir, name, entry) =>
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

        ForEachInParent(root, plan, plan.Symlinks, (dir, name, entry) =>
        {
            string temp = TempName();
            Fs.SymlinkAt(entry.RawTarget ?? "", dir, temp);
            ReplaceWith(dir, temp, name);
        }, cancellationToken);
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
