using System.Runtime.InteropServices;

namespace Nono.Core.Snapshots.Native;

internal static partial class Interop
{
    [StructLayout(LayoutKind.Sequential)]
    internal struct open_how
    {
        public ulong flags;
        public ulong mode;
        public ulong resolve;
    }

    internal static partial class Libc
    {
        [LibraryImport(Libraries.Libc, EntryPoint = "openat", SetLastError = true)]
        internal static unsafe partial int openat(int dirfd, byte* pathname, int flags, uint mode);

        [LibraryImport(Libraries.Libc, EntryPoint = "syscall", SetLastError = true)]
        internal static unsafe partial nint syscall_openat2(nint number, int dirfd, byte* pathname, open_how* how, nuint size);

        [LibraryImport(Libraries.Libc, EntryPoint = "close", SetLastError = true)]
        internal static partial int close(int fd);

        [LibraryImport(Libraries.Libc, EntryPoint = "flock", SetLastError = true)]
        internal static partial int flock(int fd, int operation);

        [LibraryImport(Libraries.Libc, EntryPoint = "syncfs", SetLastError = true)]
        internal static partial int syncfs(int fd);

        [LibraryImport(Libraries.Libc, EntryPoint = "realpath", SetLastError = true)]
        internal static unsafe partial byte* realpath(byte* path, byte* resolved);

        [LibraryImport(Libraries.Libc, EntryPoint = "fsync", SetLastError = true)]
        internal static partial int fsync(int fd);

        [LibraryImport(Libraries.Libc, EntryPoint = "madvise", SetLastError = true)]
        internal static partial int madvise(nint address, nuint length, int advice);

        [LibraryImport(Libraries.Libc, EntryPoint = "sync_file_range", SetLastError = true)]
        internal static partial int sync_file_range(int fd, long offset, long nbytes, uint flags);
    }
}
