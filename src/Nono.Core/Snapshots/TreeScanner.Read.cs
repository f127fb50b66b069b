using System.Buffers;
using Microsoft.Win32.SafeHandles;
using Nono.Core.Snapshots.Native;

namespace Nono.Core.Snapshots;

internal sealed partial class TreeScanner
{
    private void ReadFile(SafeFd root, ManifestEntry entry, int total)
    {
        using SafeFd? fd = Fs.TryOpenBeneath(root, entry.Raw, Interop.O_RDONLY | Interop.O_NONBLOCK | Interop.O_NOCTTY | Interop.O_NOFOLLOW, out int errno);
        if (fd is null)
        {
            if (!IsVanished(errno))
            {
                throw Fs.Error("open", RawName.ToDisplay(entry.Raw), errno);
            }

            entry.Vanished = true;
            return;
        }

        FileStatus before = Fs.Stat(fd);
        if (!before.IsRegular)
        {
            entry.Vanished = true; // swapped for a FIFO, device or directory: never read it
            return;
        }

        using SafeFileHandle handle = new(fd.DangerousGetHandle(), ownsHandle: false);
        (string hash, long size) = before.Size <= ObjectStore.SmallFileLimit ? ReadSmall(handle, before.Size) : ReadLarge(handle);
        FileStatus after = Fs.Stat(fd);
        entry.Hash = hash;
        entry.Size = size;
        entry.Mode = after.Permissions;
        entry.Inode = after.Inode;
        entry.MtimeNs = after.MtimeNs;

        // A file written while being read gets ctime 0, so the next snapshot reads it again.
        entry.CtimeNs = after.MtimeNs == before.MtimeNs && after.CtimeNs == before.CtimeNs && after.Size == size ? after.CtimeNs : 0;

        long files = Interlocked.Increment(ref _filesDone);
        long bytes = Interlocked.Add(ref _bytesDone, size);
        if ((files & 255) == 0)
        {
            _progress?.Report(new SnapshotProgress("hash", files, bytes, total));
        }
    }

    private (string Hash, long Size) ReadSmall(SafeFileHandle handle, long expected)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent((int)expected + 1);
        try
        {
            int length = 0;
            int n;
            while (length < buffer.Length && (n = RandomAccess.Read(handle, buffer.AsSpan(length), length)) > 0)
            {
                length += n;
            }

            if (length == buffer.Length)
            {
                return ReadLarge(handle); // grew while we read it
            }

            ReadOnlySpan<byte> content = buffer.AsSpan(0, length);
            string hash = _store is not null ? _store.PutBytes(content) : Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content));
            return (hash, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private (string Hash, long Size) ReadLarge(SafeFileHandle handle)
    {
        if (_store is not null)
        {
            return _store.PutStream(handle);
        }

        using System.Security.Cryptography.IncrementalHash sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1024 * 1024);
        try
        {
            long offset = 0;
            int n;
            while ((n = RandomAccess.Read(handle, buffer, offset)) > 0)
            {
                sha.AppendData(buffer, 0, n);
                offset += n;
            }

            return (Convert.ToHexStringLower(sha.GetHashAndReset()), offset);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The entry disappeared or a path component became a symlink or non-directory during the scan.</summary>
    private static bool IsVanished(int errno) =>
        errno is (int)Interop.Errno.ENOENT or (int)Interop.Errno.ELOOP or (int)Interop.Errno.ENOTDIR or (int)Interop.Errno.EXDEV;
}
