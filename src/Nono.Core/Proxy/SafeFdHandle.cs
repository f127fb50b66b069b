using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;

namespace Nono.Core.Proxy;

/// <summary>Owns a raw file descriptor (a pipe end) and closes it exactly once.</summary>
[SupportedOSPlatform("linux")]
internal sealed class SafeFdHandle : SafeHandleMinusOneIsInvalid
{
    public SafeFdHandle()
        : base(ownsHandle: true)
    {
    }

    public SafeFdHandle(int fd)
        : base(ownsHandle: true)
    {
        SetHandle(fd);
    }

    public int Fd => (int)handle;

    protected override bool ReleaseHandle() => SpliceInterop.Close((int)handle) == 0;
}
