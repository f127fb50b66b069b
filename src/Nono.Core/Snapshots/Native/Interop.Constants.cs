using System.Runtime.InteropServices;

namespace Nono.Core.Snapshots.Native;

internal static partial class Interop
{
    internal const int AT_FDCWD = -100;
    internal const int AT_SYMLINK_NOFOLLOW = 0x100;
    internal const int AT_REMOVEDIR = 0x200;
    internal const int AT_EMPTY_PATH = 0x1000;
    internal const int AT_SYMLINK_FOLLOW = 0x400;

    internal const int O_RDONLY = 0;
    internal const int O_WRONLY = 1;
    internal const int O_CREAT = 0x40;
    internal const int O_EXCL = 0x80;
    internal const int O_NOCTTY = 0x100;
    internal const int O_TRUNC = 0x200;
    internal const int O_NONBLOCK = 0x800;
    internal const int O_CLOEXEC = 0x80000;
    internal const int O_PATH = 0x200000;

    /// <summary>O_DIRECTORY differs by architecture: 0200000 on x86-64, 040000 on arm64 (asm-generic vs arm64 fcntl.h).</summary>
    internal static readonly int O_DIRECTORY = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x4000 : 0x10000;

    /// <summary>O_TMPFILE: __O_TMPFILE (020000000, asm-generic and x86 alike) with O_DIRECTORY.</summary>
    internal static readonly int O_TMPFILE = 0x400000 | O_DIRECTORY;

    /// <summary>O_NOFOLLOW differs by architecture: 0400000 on x86-64, 0100000 on arm64.</summary>
    internal static readonly int O_NOFOLLOW = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x8000 : 0x20000;

    internal const ulong RESOLVE_NO_MAGICLINKS = 0x02;
    internal const ulong RESOLVE_NO_SYMLINKS = 0x04;
    internal const ulong RESOLVE_BENEATH = 0x08;

    internal const uint S_IFMT = 0xF000;
    internal const uint S_IFDIR = 0x4000;
    internal const uint S_IFREG = 0x8000;
    internal const uint S_IFLNK = 0xA000;
    internal const uint S_IFIFO = 0x1000;
    internal const uint S_IFCHR = 0x2000;
    internal const uint S_IFBLK = 0x6000;
    internal const uint S_IFSOCK = 0xC000;

    internal const uint STATX_BASIC_STATS = 0x7FF;

    internal const uint SYNC_FILE_RANGE_WRITE = 2;

    internal const int MADV_HUGEPAGE = 14;

    internal const int LOCK_SH = 1;
    internal const int LOCK_EX = 2;

    /// <summary>getdents64 has a glibc wrapper only since 2.30, so it goes through syscall(2).</summary>
    internal static readonly nint SYS_getdents64 = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 61 : 217;

    /// <summary>openat2 uses the unified syscall table (437 on every architecture).</summary>
    internal const nint SYS_openat2 = 437;

    /// <summary>fchmodat2 (Linux 6.6) takes AT_EMPTY_PATH, so it changes the mode of an O_PATH descriptor without /proc (452 on every architecture).</summary>
    internal const nint SYS_fchmodat2 = 452;
}
