using System.Runtime.InteropServices;

namespace Nono.Core.Sandbox.Interop;

internal static partial class Interop
{
    // f_type values (linux/magic.h).
    public const long EXT4_SUPER_MAGIC = 0xEF53; // ext2, ext3 and ext4 alike
    public const long XFS_SUPER_MAGIC = 0x58465342;
    public const long BTRFS_SUPER_MAGIC = 0x9123683E;
    public const long TMPFS_MAGIC = 0x01021994;
    public const long OVERLAYFS_SUPER_MAGIC = 0x794C7630;

    internal static partial class Libc
    {
        // SAFETY: buffer points at caller-owned memory of at least 120 bytes (sizeof(struct statfs) on 64-bit glibc,
        // x86_64 and arm64 alike) for the call.
        [LibraryImport(Libraries.Libc, EntryPoint = "fstatfs", SetLastError = true)]
        internal static unsafe partial int fstatfs(int fd, byte* buffer);
    }

    /// <summary>The file system type (<c>f_type</c>) of an open descriptor, or null when fstatfs fails.</summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    internal static unsafe long? FileSystemType(Snapshots.Native.SafeFd handle)
    {
        // struct statfs on 64-bit glibc starts with __fsword_t f_type (8 bytes); 256 bytes leave room for the rest.
        byte* buffer = stackalloc byte[256];
        int result = Libc.fstatfs(handle.Fd, buffer);
        GC.KeepAlive(handle);
        return result == 0 ? *(long*)buffer : null;
    }
}
