using System.Runtime.InteropServices;
using System.Text;

namespace Nono.Core.Sandbox.Interop;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // SAFETY: path is marshalled for the call; buffer points at size writable bytes owned by the caller for the call.
        [LibraryImport(Libraries.Libc, EntryPoint = "readlink", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static unsafe partial nint readlink(string path, byte* buffer, nuint size);

        // SAFETY: as readlink; name is marshalled for the call.
        [LibraryImport(Libraries.Libc, EntryPoint = "getxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static unsafe partial nint getxattr(string path, string name, byte* value, nuint size);
    }

    /// <summary>
    /// The protocol name of descriptor <paramref name="fd"/> of thread <paramref name="tid"/> (<c>TCP</c>, <c>TCPv6</c>,
    /// <c>UDP</c>, <c>UNIX-STREAM</c>, ...: the name sockfs gives the socket at creation, read as the
    /// <c>system.sockprotoname</c> attribute through <c>/proc/TID/fd/FD</c>). No copy of the descriptor is taken, so
    /// nothing here can end up closing the caller's socket (a last close may linger). The link is checked to name a socket
    /// first, so normally no other filesystem is asked; a thread racing <c>dup2</c> between the <c>readlink</c> and the
    /// <c>getxattr</c> can make the latter ask the filesystem of the file it swapped in (the read is then of that file, and
    /// a host FUSE mount in the sandbox's view could make it wait, as for the observer's other reads of the caller). Null
    /// with <paramref name="errno"/>: ENOENT (no such descriptor), ENOTSOCK (not a socket), or why it could not be read
    /// (EACCES: no ptrace access to the thread).
    /// </summary>
    internal static unsafe string? SocketProtocol(int tid, int fd, out int errno)
    {
        string link = $"/proc/{tid}/fd/{fd}";
        byte* target = stackalloc byte[64];
        // SAFETY: target is 64 writable bytes on this frame.
        nint length = Libc.readlink(link, target, 64);
        if (length < 0)
        {
            errno = LastErrno;
            return null;
        }

        if (!new ReadOnlySpan<byte>(target, (int)length).StartsWith("socket:["u8))
        {
            errno = (int)Errno.ENOTSOCK;
            return null;
        }

        byte* name = stackalloc byte[32];
        // SAFETY: name is 32 writable bytes on this frame.
        nint size = Libc.getxattr(link, "system.sockprotoname", name, 32);
        if (size <= 0)
        {
            errno = size < 0 ? LastErrno : (int)Errno.ENOTSOCK;
            return null;
        }

        errno = 0;
        ReadOnlySpan<byte> value = new(name, (int)size);
        int end = value.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? value : value[..end]);
    }

    /// <summary>
    /// Whether descriptor <paramref name="fd"/> of thread <paramref name="tid"/> was opened with O_PATH (a socket reopened
    /// through <c>/proc/self/fd</c>: the kernel answers EBADF to a connect on it), from the <c>flags:</c> line of
    /// <c>/proc/TID/fdinfo/FD</c> (octal); null with <paramref name="errno"/> when that cannot be read.
    /// </summary>
    internal static unsafe bool? DescriptorIsPath(int tid, int fd, out int errno)
    {
        int info = Libc.open($"/proc/{tid}/fdinfo/{fd}", O_CLOEXEC, 0); // O_RDONLY
        if (info < 0)
        {
            errno = LastErrno;
            return null;
        }

        byte* text = stackalloc byte[256];
        nint length;
        try
        {
            // SAFETY: text is 256 writable bytes on this frame; the flags line is within the first few lines.
            length = Libc.pread(info, text, 256, 0);
        }
        finally
        {
            Libc.close(info);
        }

        ReadOnlySpan<byte> lines = new(text, (int)Math.Max(length, 0));
        int at = lines.IndexOf("flags:\t"u8);
        if (at < 0)
        {
            errno = length < 0 ? LastErrno : (int)Errno.EINVAL;
            return null;
        }

        long flags = 0;
        foreach (byte digit in lines[(at + 7)..])
        {
            if (digit is < (byte)'0' or > (byte)'7')
            {
                break;
            }

            flags = (flags << 3) | (long)(digit - '0');
        }

        errno = 0;
        return (flags & O_PATH) != 0;
    }
}
