using Nono.Core.Diagnostics;
using Nono.Core.Snapshots.Native;

namespace Nono.Core.Snapshots;

internal sealed partial class Restorer
{
    /// <summary>
    /// Renames <paramref name="fromName"/> over <paramref name="name"/> (never following either); a
    /// directory in the way (created concurrently, or a type change) is removed first. Returns the errno.
    /// </summary>
    private static int TryReplace(SafeFd fromDir, string fromName, SafeFd dir, string name)
    {
        int errno = Fs.TryRenameAt(fromDir, fromName, dir, name);
        if (errno is (int)Interop.Errno.EISDIR or (int)Interop.Errno.ENOTEMPTY or (int)Interop.Errno.EEXIST)
        {
            Fs.RemoveTree(dir, name);
            errno = Fs.TryRenameAt(fromDir, fromName, dir, name);
        }

        return errno;
    }

    /// <summary>Atomically renames temp over name; on failure the temp file is removed.</summary>
    private static void ReplaceWith(SafeFd dir, string temp, string name)
    {
        int errno = TryReplace(dir, temp, dir, name);
        if (errno != 0)
        {
            _ = Fs.TryUnlinkAt(dir, temp, directory: false);
            throw Fs.Error("renameat", RawName.ToDisplay(name), errno);
        }
    }

    private static void SetMetadata(SafeFd root, RootPlan plan, ManifestEntry entry, bool expectDirectory)
    {
        try
        {
            using SafeFd? fd = Fs.TryOpenBeneath(root, entry.Raw, Interop.O_PATH | Interop.O_NOFOLLOW, out int errno);
            if (fd is null)
            {
                throw Fs.Error("openat2", null, errno);
            }

            FileStatus st = Fs.Stat(fd);
            if (st.IsDirectory != expectDirectory || !(st.IsDirectory || st.IsRegular) || (st.IsRegular && st.LinkCount > 1))
            {
                throw new NonoException(NonoErrorCode.Io, $"{plan.Where(entry.Raw)} changed type during restore; run the restore again", plan.Where(entry.Raw));
            }

            ApplyMetadata(fd, entry);
        }
        catch (Exception ex) when (Unplaced(ex))
        {
            throw Placed(plan.Directory, "", entry.Raw, ex);
        }
    }

    /// <summary>Owner (when running as root), then mode without setuid/setgid, then mtime: chown would clear set-id bits anyway.</summary>
    private static void ApplyMetadata(SafeFd fd, ManifestEntry entry)
    {
        if (Fs.IsRoot)
        {
            Fs.SetOwner(fd, entry.Uid, entry.Gid);
        }

        Fs.SetModeAndTime(fd, SafeMode(entry.Mode), entry.MtimeNs);
    }

    /// <summary>Opens a directory of the tree for *at calls, refusing symlinks anywhere on the way.</summary>
    private static SafeFd OpenParent(SafeFd root, RootPlan plan, string relative) =>
        Fs.TryOpenBeneath(root, relative, s_dirFlags | Interop.O_NOFOLLOW, out int errno)
            ?? throw new NonoException(NonoErrorCode.Io, $"cannot open {plan.Where(relative)} inside the root {plan.Directory} without following a symlink ({System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)}); run the restore again", plan.Where(relative), "openat2", errno);
}
