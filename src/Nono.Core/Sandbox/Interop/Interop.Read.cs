using System.Runtime.InteropServices;

namespace Nono.Core.Sandbox.Interop;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // SAFETY: buf points at count writable bytes owned by the caller for the call.
        [LibraryImport(Libraries.Libc, EntryPoint = "read", SetLastError = true)]
        internal static unsafe partial nint read(int fd, byte* buf, nint count);
    }

    /// <summary>Reads into <paramref name="buffer"/>, retrying on EINTR. Returns 0 at EOF.</summary>
    internal static int Read(SafeFdHandle fd, Span<byte> buffer)
    {
        bool added = false;
        try
        {
            fd.DangerousAddRef(ref added);
            while (true)
            {
                nint n;
                unsafe
                {
                    fixed (byte* p = buffer)
                    {
                        // SAFETY: p is pinned for the call and buffer.Length bytes long.
                        n = Libc.read(fd.Fd, p, buffer.Length);
                    }
                }

                if (n >= 0)
                {
                    return (int)n;
                }

                int errno = LastErrno;
                if (errno != (int)Errno.EINTR)
                {
                    ThrowSetupFailed("read", errno);
                }
            }
        }
        finally
        {
            if (added)
            {
                fd.DangerousRelease();
            }
        }
    }
}
