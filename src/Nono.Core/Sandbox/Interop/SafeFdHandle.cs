using System.Runtime.InteropServices;

namespace Nono.Core.Sandbox.Interop;

/// <summary>An owned file descriptor (Landlock ruleset, O_PATH handle, pipe end, pidfd), closed exactly once.</summary>
internal sealed class SafeFdHandle : SafeHandle
{
    public SafeFdHandle()
        : base(-1, ownsHandle: true)
    {
    }

    internal SafeFdHandle(int fd)
        : base(-1, ownsHandle: true)
    {
        SetHandle(fd);
    }

    public override bool IsInvalid => handle < 0;

    /// <summary>The raw descriptor, for the syscall wrappers only.</summary>
    internal int Fd => (int)handle;

    protected override bool ReleaseHandle() => Interop.Libc.close((int)handle) == 0;
}
