using System.Runtime.InteropServices;

namespace Nono.Core.Snapshots.Native;

internal static partial class Interop
{
#pragma warning disable CS8981 // kernel spelling: struct timespec
    [StructLayout(LayoutKind.Sequential)]
    internal struct timespec
    {
        public long tv_sec;
        public long tv_nsec;
    }
#pragma warning restore CS8981

    internal static partial class Libc
    {
        [LibraryImport(Libraries.Libc, EntryPoint = "syscall", SetLastError = true)]
        internal static unsafe partial nint syscall_getdents64(nint number, int fd, byte* dirp, nuint count);

        [LibraryImport(Libraries.Libc, EntryPoint = "readlinkat", SetLastError = true)]
        internal static unsafe partial nint readlinkat(int dirfd, byte* pathname, byte* buf, nuint bufsiz);

        [LibraryImport(Libraries.Libc, EntryPoint = "mkdirat", SetLastError = true)]
        internal static unsafe partial int mkdirat(int dirfd, byte* pathname, uint mode);

        [LibraryImport(Libraries.Libc, EntryPoint = "unlinkat", SetLastError = true)]
        internal static unsafe partial int unlinkat(int dirfd, byte* pathname, int flags);

        [LibraryImport(Libraries.Libc, EntryPoint = "renameat", SetLastError = true)]
        internal static unsafe partial int renameat(int olddirfd, byte* oldpath, int newdirfd, byte* newpath);

        [LibraryImport(Libraries.Libc, EntryPoint = "linkat", SetLastError = true)]
        internal static unsafe partial int linkat(int olddirfd, byte* oldpath, int newdirfd, byte* newpath, int flags);

        [LibraryImport(Libraries.Libc, EntryPoint = "symlinkat", SetLastError = true)]
        internal static unsafe partial int symlinkat(byte* target, int newdirfd, byte* linkpath);

        [LibraryImport(Libraries.Libc, EntryPoint = "fchownat", SetLastError = true)]
        internal static unsafe partial int fchownat(int dirfd, byte* pathname, uint owner, uint group, int flags);

        [LibraryImport(Libraries.Libc, EntryPoint = "geteuid")]
        internal static partial uint geteuid();

        [LibraryImport(Libraries.Libc, EntryPoint = "getegid")]
        internal static partial uint getegid();

        [LibraryImport(Libraries.Libc, EntryPoint = "pwrite64", SetLastError = true)]
        internal static unsafe partial nint pwrite(int fd, byte* buf, nint count, long offset);

        [LibraryImport(Libraries.Libc, EntryPoint = "fchmod", SetLastError = true)]
        internal static partial int fchmod(int fd, uint mode);

        [LibraryImport(Libraries.Libc, EntryPoint = "fchown", SetLastError = true)]
        internal static partial int fchown(int fd, uint owner, uint group);

        [LibraryImport(Libraries.Libc, EntryPoint = "futimens", SetLastError = true)]
        internal static unsafe partial int futimens(int fd, timespec* times);

        [LibraryImport(Libraries.Libc, EntryPoint = "fchmodat", SetLastError = true)]
        internal static unsafe partial int fchmodat(int dirfd, byte* pathname, uint mode, int flags);

        [LibraryImport(Libraries.Libc, EntryPoint = "syscall", SetLastError = true)]
        internal static unsafe partial int syscall_fchmodat2(nint number, int dirfd, byte* pathname, uint mode, int flags);

        [LibraryImport(Libraries.Libc, EntryPoint = "utimensat", SetLastError = true)]
        internal static unsafe partial int utimensat(int dirfd, byte* pathname, timespec* times, int flags);
    }
}
