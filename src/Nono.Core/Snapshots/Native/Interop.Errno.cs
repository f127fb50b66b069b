namespace Nono.Core.Snapshots.Native;

internal static partial class Interop
{
    /// <summary>errno values this feature branches on (asm-generic numbering, same on x64 and arm64).</summary>
    internal enum Errno
    {
        EPERM = 1,
        ENOENT = 2,
        EINTR = 4,
        EAGAIN = 11,
        EACCES = 13,
        EEXIST = 17,
        ENOSPC = 28,
        EXDEV = 18,
        ENOTDIR = 20,
        EISDIR = 21,
        EINVAL = 22,
        ENOSYS = 38,
        ENOTEMPTY = 39,
        ELOOP = 40,
        E2BIG = 7,
        EOPNOTSUPP = 95,
    }
}
