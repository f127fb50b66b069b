using System.Runtime.InteropServices;

namespace Nono.Core.Sandbox.Interop;

internal static partial class Interop
{
    /// <summary>_LINUX_CAPABILITY_VERSION_3: two 32-bit words per set.</summary>
    internal const uint LINUX_CAPABILITY_VERSION_3 = 0x20080522;

#pragma warning disable CS8981 // kernel spelling
    [StructLayout(LayoutKind.Sequential)]
    internal struct cap_user_header_t
    {
        public uint version;
        public int pid;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct cap_user_data_t
    {
        public uint effective;
        public uint permitted;
        public uint inheritable;
    }
#pragma warning restore CS8981

    /// <summary>setgroups(2) has no per-thread glibc wrapper (glibc's applies to every thread): the raw call.</summary>
    internal static nint SetgroupsNumber => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 159 : 116;

    internal static partial class Libc
    {
        // setfsuid, setfsgid, capget and capset are plain syscall wrappers in glibc: they change the calling thread only.
        [LibraryImport(Libraries.Libc, EntryPoint = "setfsuid")]
        internal static partial int setfsuid(uint fsuid);

        [LibraryImport(Libraries.Libc, EntryPoint = "setfsgid")]
        internal static partial int setfsgid(uint fsgid);

        // SAFETY: list has room for size gid_t values (size 0: only the count is returned).
        [LibraryImport(Libraries.Libc, EntryPoint = "getgroups", SetLastError = true)]
        internal static unsafe partial int getgroups(int size, uint* list);

        // SAFETY: header points to one header, data to two data structs (version 3).
        [LibraryImport(Libraries.Libc, EntryPoint = "capget", SetLastError = true)]
        internal static unsafe partial int capget(cap_user_header_t* header, cap_user_data_t* data);

        // SAFETY: as capget.
        [LibraryImport(Libraries.Libc, EntryPoint = "capset", SetLastError = true)]
        internal static unsafe partial int capset(cap_user_header_t* header, cap_user_data_t* data);

        // SAFETY: the path and name are NUL-terminated copies for the call; value has size readable bytes.
        [LibraryImport(Libraries.Libc, EntryPoint = "setxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static unsafe partial int setxattr(string path, string name, byte* value, nuint size, int flags);

        // SAFETY: the path and name are NUL-terminated copies for the call.
        [LibraryImport(Libraries.Libc, EntryPoint = "removexattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int removexattr(string path, string name);

        // SAFETY: the path is a NUL-terminated copy for the call.
        [LibraryImport(Libraries.Libc, EntryPoint = "chmod", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int chmod(string path, uint mode);
    }
}
