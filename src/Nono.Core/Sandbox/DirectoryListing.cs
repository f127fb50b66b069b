using System.Runtime.InteropServices;
using System.Text;
using Nono.Core.Sandbox.Interop;

namespace Nono.Core.Sandbox;

/// <summary>One entry of a <see cref="DirectoryListing"/>: its full path and whether it is a directory.</summary>
internal readonly record struct ListedEntry(string FullName, bool IsDirectory);

/// <summary>
/// The entries of a directory except symbolic links (and . and ..), typed from the listing itself: one readdir pass,
/// no stat or readlink per entry, and one string per entry (its full path). Only an entry whose file system reports
/// no type is looked up with lstat.
/// </summary>
internal static class DirectoryListing
{
    public static unsafe List<ListedEntry> Read(string directory)
    {
        nint dir = Interop.Interop.Libc.opendir(directory);
        if (dir == 0)
        {
            throw new IOException($"opendir: {Marshal.GetPInvokeErrorMessage(Interop.Interop.LastErrno)}");
        }

        List<ListedEntry> entries = [];
        try
        {
            while (true)
            {
                byte* entry = (byte*)Interop.Interop.Libc.readdir(dir);
                if (entry is null)
                {
                    int errno = Interop.Interop.LastErrno;
                    return errno == 0 ? entries : throw new IOException($"readdir: {Marshal.GetPInvokeErrorMessage(errno)}");
                }

                // SAFETY: readdir returned a dirent that stays valid until the next readdir; d_name is NUL-terminated.
                ReadOnlySpan<byte> name = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(entry + Interop.Interop.DirentNameOffset);
                byte type = entry[Interop.Interop.DirentTypeOffset];
                if (name.SequenceEqual("."u8) || name.SequenceEqual(".."u8) || type == Interop.Interop.DT_LNK)
                {
                    continue;
                }

                string fullName = Join(directory, name);
                if (type != Interop.Interop.DT_UNKNOWN)
                {
                    entries.Add(new ListedEntry(fullName, type == Interop.Interop.DT_DIR));
                }
                else
                {
                    // Some file systems do not fill d_type: ask lstat (a missing entry answers -1, all flags, and is skipped).
                    FileAttributes attributes = new FileInfo(fullName).Attributes;
                    if ((attributes & FileAttributes.ReparsePoint) == 0)
                    {
                        entries.Add(new ListedEntry(fullName, (attributes & FileAttributes.Directory) != 0));
                    }
                }
            }
        }
        finally
        {
            _ = Interop.Interop.Libc.closedir(dir);
        }
    }

    /// <summary><paramref name="directory"/>/<paramref name="name"/>, the name decoded as .NET decodes file names (UTF-8).</summary>
    private static string Join(string directory, ReadOnlySpan<byte> name)
    {
        Span<char> chars = name.Length <= 256 ? stackalloc char[name.Length] : new char[name.Length];
        int count = Encoding.UTF8.GetChars(name, chars);
        return string.Concat(directory.AsSpan(), directory.EndsWith('/') ? "" : "/", chars[..count]);
    }
}
