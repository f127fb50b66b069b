using Nono.Core.Snapshots.Native;

namespace Nono.Core.Snapshots;

internal sealed partial class TreeScanner
{
    /// <summary>Records one entry found by <see cref="Walk"/>: the previous one when nothing recorded changed, else a new one.</summary>
    private void AddEntry(
        SafeFd dir,
        string name,
        string path,
        FileStatus st,
        ManifestEntry? old,
        WalkLists lists,
        ref List<(string Name, ManifestEntry Entry, ulong Inode)>? subdirectories,
        Func<ManifestEntry, bool>? wantsContent)
    {
        if (st.IsDirectory)
        {
            ManifestEntry entry = Reusable(old, st, EntryType.Directory) ? old! : NewEntry(path, st, EntryType.Directory, 0);
            lists.Add(entry, old);
            (subdirectories ??= []).Add((name, entry, st.Inode));
        }
        else if (st.IsSymlink)
        {
            string target = Fs.ReadLinkAt(dir, name);
            ManifestEntry entry = Reusable(old, st, EntryType.Symlink) && old!.RawTarget == target && old.Size == target.Length
                ? old
                : NewEntry(path, st, EntryType.Symlink, target.Length, target: target);
            lists.Add(entry, old);
        }
        else if (st.IsRegular)
        {
            if (old is not null && old.Type == EntryType.File && old.HashKey is { } key
                && old.Inode == st.Inode && old.Size == st.Size && old.MtimeNs == st.MtimeNs && old.CtimeNs == st.CtimeNs && old.CtimeNs != 0
                && (_store is null || _store.Exists(key)))
            {
                lists.Add(Reusable(old, st, EntryType.File) ? old : NewEntry(path, st, EntryType.File, st.Size, hash: key), old);
                return;
            }

            ManifestEntry entry = NewEntry(path, st, EntryType.File, st.Size);
            lists.Add(entry, null);
            if (wantsContent is null || wantsContent(entry))
            {
                lists.Pending.Add(entry);
            }
        }
        else
        {
            lists.Skipped.Add(new SkippedEntry { Path = RawName.ToDisplay(path), Kind = st.KindName, Raw = path });
        }
    }

    private static ManifestEntry NewEntry(string path, FileStatus st, EntryType type, long size, ObjectKey? hash = null, string? target = null) => new()
    {
        Raw = path,
        Type = type,
        Size = size,
        HashKey = hash,
        RawTarget = target,
        Mode = st.Permissions,
        MtimeNs = st.MtimeNs,
        Inode = st.Inode,
        CtimeNs = st.CtimeNs,
        Uid = st.Uid,
        Gid = st.Gid,
        LinkCount = st.LinkCount,
    };

    /// <summary>
    /// Whether the previous entry already says everything this one would (every stored field, cache hints
    /// included), so a snapshot can keep the previous object; a snapshot that keeps them all is unchanged.
    /// </summary>
    private bool Reusable(ManifestEntry? old, FileStatus st, EntryType type) =>
        _reuseUnchanged && old is not null && old.Type == type
        && old.Mode == st.Permissions && old.Uid == st.Uid && old.Gid == st.Gid
        && old.MtimeNs == st.MtimeNs && old.CtimeNs == st.CtimeNs && old.Inode == st.Inode
        && type switch
        {
            EntryType.File => old.Size == st.Size && old.RawTarget is null,
            EntryType.Directory => old.Size == 0 && !old.HasHash && old.RawTarget is null,
            _ => !old.HasHash,
        };

    /// <summary>What one walker found; walkers of sibling subtrees each fill their own and merge at the end.</summary>
    private sealed class WalkLists
    {
        public List<ManifestEntry> Entries { get; } = [];

        public List<SkippedEntry> Skipped { get; } = [];

        public List<ManifestEntry> Pending { get; } = [];

        public List<ExcludedTree> Excluded { get; } = [];

        public int Reused { get; private set; }

        public void Add(ManifestEntry entry, ManifestEntry? old)
        {
            Entries.Add(entry);
            if (ReferenceEquals(entry, old))
            {
                Reused++;
            }
        }

        public void MergeFrom(WalkLists other)
        {
            lock (this)
            {
                Entries.AddRange(other.Entries);
                Skipped.AddRange(other.Skipped);
                Pending.AddRange(other.Pending);
                Excluded.AddRange(other.Excluded);
                Reused += other.Reused;
            }
        }
    }
}
