using System.Runtime.InteropServices;

namespace Nono.Core.Snapshots.Native;

/// <summary>An owned Linux file descriptor (directory, file or O_PATH), closed exactly once.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class SafeFd : SafeHandle
{
    public SafeFd(int fd)
        : base(new IntPtr(-1), ownsHandle: true)
    {
        SetHandle(new IntPtr(fd));
    }

    public override bool IsInvalid => handle == new IntPtr(-1);

    /// <summary>The raw descriptor; valid while this handle is alive and not disposed.</summary>
    public int Fd => (int)handle;

    /// <summary>Path of this descriptor through procfs, for calls that have no fd-relative form on O_PATH descriptors.</summary>
    public string ProcPath => "/proc/self/fd/" + Fd.ToString(System.Globalization.CultureInfo.InvariantCulture);

    protected override bool ReleaseHandle() => Interop.Libc.close((int)handle) == 0;
}
