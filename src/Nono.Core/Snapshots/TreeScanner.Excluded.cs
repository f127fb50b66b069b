using System.Buffers.Binary;
using System.Security.Cryptography;
using Nono.Core.Snapshots.Native;

namespace Nono.Core.Snapshots;

internal sealed partial class TreeScanner
{
    /// <summary>
    /// Entries the excluded-path digests of one scan may cover in total. Metadata only (getdents64 + statx, no reads),
    /// so a 25,000-file node_modules costs its statx calls; past the budget a path is marked incomplete, which reports it.
    /// </summary>
    public const long ExcludedEntryBudget = 2_000_000;

    private long _excludedEntries;
    private long _latestExcludedCtimeNs;

    /// <summary>The latest ctime seen under the excluded paths (ns since the epoch), 0 when none.</summary>
    public long LatestExcludedCtimeNs => Interlocked.Read(ref _latestExcludedCtimeNs);

    /// <summary>
    /// The metadata digest of an excluded entry and everything below it. No content is read and no symlink is followed:
    /// a change of content moves size, mtime or ctime (ctime cannot be set back without changing the clock), a
    /// replacement moves the inode.
    /// </summary>
    private ExcludedTree FingerprintExcluded(SafeFd dir, string name, string path, FileStatus st, string root)
    {
        using IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long entries = 0;
        bool complete = AddMetadata(hash, "", st, ref entries);
        if (complete && st.IsDirectory)
        {
            using SafeFd? child = Fs.TryOpenAt(dir, name, Interop.O_RDONLY | Interop.O_DIRECTORY | Interop.O_NOFOLLOW, 0, out _);
            complete = child is null ? AddMarker(hash, "unopenable") : FingerprintDirectory(hash, child, "", 0, ref entries);
        }

        return new ExcludedTree
        {
            Root = root,
            Path = RawName.ToDisplay(path),
            Raw = path,
            Digest = Convert.ToHexStringLower(hash.GetHashAndReset()),
            Entries = entries,
            Complete = complete,
        };
    }

    private bool FingerprintDirectory(IncrementalHash hash, SafeFd dir, string relative, int depth, ref long entries)
    {
        if (depth >= MaxDepth)
        {
            return false;
        }

        List<string> names = Fs.ReadDirectory(dir);
        names.Sort(StringComparer.Ordinal); // getdents order differs between file systems and after changes
        foreach (string name in names)
        {
            string path = RawName.Join(relative, name);
            if (!Fs.TryStatAt(dir, name, out FileStatus st, out _))
            {
                AddMarker(hash, "vanished " + path);
                continue;
            }

            if (!AddMetadata(hash, path, st, ref entries))
            {
                return false;
            }

            if (st.IsDirectory)
            {
                using SafeFd? child = Fs.TryOpenAt(dir, name, Interop.O_RDONLY | Interop.O_DIRECTORY | Interop.O_NOFOLLOW, 0, out _);
                if (child is null)
                {
                    AddMarker(hash, "unopenable " + path); // EACCES, or swapped for a non-directory: the metadata above still counts
                }
                else if (!FingerprintDirectory(hash, child, path, depth + 1, ref entries))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Adds one entry's name and metadata; false once the scan's budget is spent.</summary>
    private bool AddMetadata(IncrementalHash hash, string path, FileStatus st, ref long entries)
    {
        if (Interlocked.Increment(ref _excludedEntries) > ExcludedEntryBudget)
        {
            return false;
        }

        entries++;
        for (long seen = Interlocked.Read(ref _latestExcludedCtimeNs); st.CtimeNs > seen; seen = Interlocked.Read(ref _latestExcludedCtimeNs))
        {
            Interlocked.CompareExchange(ref _latestExcludedCtimeNs, st.CtimeNs, seen);
        }

        Span<byte> fields = stackalloc byte[4 + 4 + 4 + 4 + (5 * 8)];
        BinaryPrimitives.WriteInt32LittleEndian(fields, path.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(fields[4..], st.Mode);
        BinaryPrimitives.WriteUInt32LittleEndian(fields[8..], st.Uid);
        BinaryPrimitives.WriteUInt32LittleEndian(fields[12..], st.Gid);
        BinaryPrimitives.WriteInt64LittleEndian(fields[16..], st.Size);
        BinaryPrimitives.WriteInt64LittleEndian(fields[24..], st.MtimeNs);
        BinaryPrimitives.WriteInt64LittleEndian(fields[32..], st.CtimeNs);
        BinaryPrimitives.WriteUInt64LittleEndian(fields[40..], st.Inode);
        BinaryPrimitives.WriteUInt64LittleEndian(fields[48..], st.Device);
        hash.AppendData(fields);
        hash.AppendData(RawName.ToBytes(path)); // length-prefixed above, so names cannot run into each other
        return true;
    }

    private static bool AddMarker(IncrementalHash hash, string marker)
    {
        hash.AppendData([0xFF]);
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes(marker));
        return true;
    }
}
