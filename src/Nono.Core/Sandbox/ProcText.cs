using System.Buffers;
using System.Text;
using Nono.Core.Sandbox.Interop;

namespace Nono.Core.Sandbox;

/// <summary>
/// Reads small kernel text files (<c>/proc/self/*</c>, <c>/proc/sys/*</c>) with one open and a stack buffer.
/// <c>File.ReadAllText</c> sets up a stream and a reader with 4 KiB buffers of their own (~9 KB per file), and every
/// start reads about a dozen of these files; on this kind of machine each fresh page of allocation is a page fault.
/// </summary>
internal static class ProcText
{
    private const int O_RDONLY = 0;

    /// <summary>The file's text (UTF-8), or null when it is absent or unreadable.</summary>
    public static unsafe string? Read(string path)
    {
        int fd = Interop.Interop.Libc.open(path, O_RDONLY | Interop.Interop.O_CLOEXEC, 0);
        if (fd < 0)
        {
            return null;
        }

        using SafeFdHandle handle = new(fd);
        byte[]? rented = null;
        Span<byte> buffer = stackalloc byte[4096];
        int length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    byte[] larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.CopyTo(larger);
                    if (rented is not null)
                    {
                        ArrayPool<byte>.Shared.Return(rented);
                    }

                    rented = larger;
                    buffer = larger;
                }

                nint n;
                fixed (byte* p = buffer[length..])
                {
                    // SAFETY: p is pinned for the call and points at buffer.Length - length writable bytes.
                    n = Interop.Interop.Libc.read(fd, p, buffer.Length - length);
                }

                if (n == 0)
                {
                    return Encoding.UTF8.GetString(buffer[..length]);
                }

                if (n < 0 && Interop.Interop.LastErrno != (int)Interop.Interop.Errno.EINTR)
                {
                    return null;
                }

                length += (int)Math.Max(n, 0);
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
