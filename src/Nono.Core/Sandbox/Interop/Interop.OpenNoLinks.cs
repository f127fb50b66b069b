using Nono.Core.Snapshots.Native;
using Fs = Nono.Core.Snapshots.Native.Interop;

namespace Nono.Core.Sandbox.Interop;

internal static partial class Interop
{
    /// <summary>
    /// Opens the canonical absolute <paramref name="path"/> as an O_PATH|O_CLOEXEC handle without following a symbolic
    /// link in any component, the last included (openat2 RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS from "/", else one
    /// O_NOFOLLOW open per component: <see cref="Snapshots.Native.Fs.TryOpenBeneath"/>), and reads the identity of what it
    /// opened. Null with the errno when the open fails; ELOOP when a component is a link. A canonical path has no link,
    /// so a link met here was put there since the path was resolved (a racing process) and would move the rule elsewhere.
    /// </summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    internal static SafeFdHandle? TryOpenWithoutLinks(string path, out FileIdentity identity, out int errno)
    {
        using SafeFd root = Snapshots.Native.Fs.OpenRootForLookup();
        return TryOpenWithoutLinks(root, path, out identity, out errno);
    }

    /// <summary>
    /// Like <see cref="TryOpenWithoutLinks(string, out FileIdentity, out int)"/>, resolving beneath a "/" the caller opened
    /// once (<see cref="Snapshots.Native.Fs.OpenRootForLookup"/>) for many paths: the same lookup, two calls fewer per path.
    /// </summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    internal static SafeFdHandle? TryOpenWithoutLinks(SafeFd root, string path, out FileIdentity identity, out int errno)
    {
        identity = default;
        using SafeFd? opened = Snapshots.Native.Fs.TryOpenBeneath(root, RawName.FromString(path.TrimStart('/')), Fs.O_PATH, out errno);
        if (opened is null)
        {
            return null;
        }

        int raw = opened.Fd;
        opened.SetHandleAsInvalid(); // ownership moves to the SafeFdHandle below
        SafeFdHandle handle = new(raw);
        Fs.statx_buf buffer = StatOpened(handle, path); // disposes the handle when it throws
        if ((buffer.stx_mode & S_IFMT) == S_IFLNK)
        {
            // Only the per-component walk gets here: O_PATH|O_NOFOLLOW opens a link in the last component as itself.
            handle.Dispose();
            errno = (int)Errno.ELOOP;
            return null;
        }

        try
        {
            identity = ReadIdentity(buffer, path);
        }
        catch
        {
            handle.Dispose();
            throw;
        }

        return handle;
    }
}
