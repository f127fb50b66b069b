using Nono.Core.Snapshots.Native;

namespace Nono.Core.Snapshots;

internal sealed partial class TreeScanner
{
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
                Reused += other.Reused;
            }
        }
    }
}
