using System.Runtime.InteropServices;

namespace Nono.Core.Snapshots.Native;

internal static partial class Interop
{
    /// <summary>struct statx from include/uapi/linux/stat.h: 256 bytes, identical on x86-64 and arm64.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    internal struct statx_buf
    {
        [FieldOffset(0)] public uint stx_mask;
        [FieldOffset(8)] public ulong stx_attributes;
        [FieldOffset(16)] public uint stx_nlink;
        [FieldOffset(20)] public uint stx_uid;
        [FieldOffset(24)] public uint stx_gid;
        [FieldOffset(28)] public ushort stx_mode;
        [FieldOffset(32)] public ulong stx_ino;
        [FieldOffset(40)] public ulong stx_size;
        [FieldOffset(56)] public ulong stx_attributes_mask;
        [FieldOffset(96)] public long stx_ctime_sec;
        [FieldOffset(104)] public uint stx_ctime_nsec;
        [FieldOffset(112)] public long stx_mtime_sec;
        [FieldOffset(120)] public uint stx_mtime_nsec;
        [FieldOffset(136)] public uint stx_dev_major;
        [FieldOffset(140)] public uint stx_dev_minor;
        [FieldOffset(144)] public ulong stx_mnt_id;
    }

    internal static partial class Libc
    {
        [LibraryImport(Libraries.Libc, EntryPoint = "statx", SetLastError = true)]
        internal static unsafe partial int statx(int dirfd, byte* pathname, int flags, uint mask, statx_buf* statxbuf);
    }
}
