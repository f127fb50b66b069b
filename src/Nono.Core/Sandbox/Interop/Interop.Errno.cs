using System.Runtime.InteropServices;
using Nono.Core.Diagnostics;

namespace Nono.Core.Sandbox.Interop;

internal static partial class Interop
{
    /// <summary>The errno values the sandbox code branches on (asm-generic, identical on x64 and arm64).</summary>
    internal enum Errno
    {
        EPERM = 1,
        ENOENT = 2,
        EINTR = 4,
        EBADF = 9,
        EAGAIN = 11,
        EACCES = 13,
        EFAULT = 14,
        EBUSY = 16,
        EEXIST = 17,
        ENOTDIR = 20,
        EINVAL = 22,
        ENOSYS = 38,
        ELOOP = 40,
        ENOTSOCK = 88,
        EOPNOTSUPP = 95,
    }

    /// <summary>errno of the last P/Invoke declared with SetLastError = true.</summary>
    internal static int LastErrno => Marshal.GetLastPInvokeError();

    /// <summary>Throws <see cref="NonoException"/> with <see cref="NonoErrorCode.SandboxSetupFailed"/> when a call returned -1.</summary>
    internal static nint CheckIo(nint result, string syscall, string? path = null)
    {
        if (result == -1)
        {
            ThrowSetupFailed(syscall, LastErrno, path);
        }

        return result;
    }

    /// <summary>Throws the setup failure for <paramref name="syscall"/> with the kernel's errno kept.</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    internal static void ThrowSetupFailed(string syscall, int errno, string? path = null)
    {
        string where = path is null ? "" : $" on {path}";
        throw new NonoException(
            NonoErrorCode.SandboxSetupFailed,
            $"{syscall}{where} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})",
            path,
            syscall,
            errno);
    }
}
