using Microsoft.Win32.SafeHandles;
using Nono.Core.Diagnostics;
using Nono.Core.Snapshots.Native;

namespace Nono.Core.Snapshots;

internal sealed partial class Restorer
{
    private static readonly int s_dirFlags = Interop.O_RDONLY | Interop.O_DIRECTORY;

    private void ApplyRoot(SafeFd root, RootPlan plan, SafeFd staging, Dictionary<string, int> uses, CancellationToken cancellationToken)
    {
        long step = 0;
        long total = plan.Deletes.Count + plan.Mkdirs.Count + plan.Files.Count + plan.Symlinks.Count + plan.FileModes.Count;
        void Tick()
        {
            cancellationToken.ThrowIfCancellationRequested();
            if ((++step & 127) == 0)
            {
                _progress?.Report(new SnapshotProgress("apply", step, _bytesWritten, total));
            }
        }

        foreach (string path in plan.Deletes)
        {
            (string parent, string name) = RawName.Split(path);
            using SafeFd dir = OpenParent(root, parent);
            Fs.RemoveTree(dir, name);
            Tick();
        }

        foreach (ManifestEntry entry in plan.Mkdirs.Where(e => e.Raw.Length > 0))
        {
            (string parent, string name) = RawName.Split(entry.Raw);
            using SafeFd dir = OpenParent(root, parent);
            int errno = Fs.TryMkdirAt(dir, name, 0x1C0);
            if (errno == (int)Interop.Errno.EEXIST && !(Fs.TryStatAt(dir, name, out FileStatus st, out _) && st.IsDirectory))
            {
                Fs.RemoveTree(dir, name);
                errno = Fs.TryMkdirAt(dir, name, 0x1C0);
            }

            if (errno is not (0 or (int)Interop.Errno.EEXIST))
            {
                throw Fs.Error("mkdirat", RawName.ToDisplay(entry.Raw), errno);
            }

            Tick();
        }

        foreach (ManifestEntry entry in plan.Files)
        {
            WriteFile(root, entry, staging, uses);
            Tick();
        }

        foreach (ManifestEntry entry in plan.Symlinks)
        {
            (string parent, string name) = RawName.Split(entry.Raw);
            using SafeFd dir = OpenParent(root, parent);
            string temp = TempName();
            Fs.SymlinkAt(entry.RawTarget ?? "", dir, temp);
            ReplaceWith(dir, temp, name);
            Tick();
        }

        foreach (ManifestEntry entry in plan.FileModes)
        {
            SetMetadata(root, entry, expectDirectory: false);
            Tick();
        }

        // Directory modes and times last and deepest first: writing inside a directory changes its mtime.
        foreach (ManifestEntry entry in plan.Directories.OrderByDescending(e => e.Raw, StringComparer.Ordinal))
        {
            SetMetadata(root, entry, expectDirectory: true);
        }
    }

    private void WriteFile(SafeFd root, ManifestEntry entry, SafeFd staging, Dictionary<string, int> uses)
    {
        string hash = entry.Hash ?? throw new NonoException(NonoErrorCode.StateCorrupt, "manifest file entry without hash");
        (string parent, string name) = RawName.Split(entry.Raw);
        using SafeFd dir = OpenParent(root, parent);
        string temp = TempName();
        bool last = --uses[hash] == 0;
        if (!last || Fs.TryRenameAt(staging, hash, dir, temp) != 0)
        {
            // Shared content, or the store is on another file system: copy the verified staged bytes.
            using SafeFd source = Fs.OpenAt(staging, hash, Interop.O_RDONLY | Interop.O_NOFOLLOW);
            using SafeFd target = Fs.OpenAt(dir, temp, Interop.O_WRONLY | Interop.O_CREAT | Interop.O_EXCL | Interop.O_NOFOLLOW, 0x180);
            using SafeFileHandle sourceHandle = new(source.DangerousGetHandle(), ownsHandle: false);
            using SafeFileHandle targetHandle = new(target.DangerousGetHandle(), ownsHandle: false);
            using FileStream from = new(sourceHandle, FileAccess.Read, 1);
            using FileStream to = new(targetHandle, FileAccess.Write, 1);
            from.CopyTo(to, 1024 * 1024);
            if (last)
            {
                _ = Fs.TryUnlinkAt(staging, hash, directory: false);
            }
        }

        using (SafeFd written = Fs.OpenAt(dir, temp, Interop.O_PATH | Interop.O_NOFOLLOW))
        {
            ApplyMetadata(written, entry);
        }

        Interlocked.Add(ref _bytesWritten, entry.Size);
        ReplaceWith(dir, temp, name);
    }

    /// <summary>Atomically renames temp over name; a directory in the way (created concurrently) is removed first.</summary>
    private static void ReplaceWith(SafeFd dir, string temp, string name)
    {
        int errno = Fs.TryRenameAt(dir, temp, dir, name);
        if (errno is (int)Interop.Errno.EISDIR or (int)Interop.Errno.ENOTEMPTY or (int)Interop.Errno.EEXIST)
        {
            Fs.RemoveTree(dir, name);
            errno = Fs.TryRenameAt(dir, temp, dir, name);
        }

        if (errno != 0)
        {
            _ = Fs.TryUnlinkAt(dir, temp, directory: false);
            throw Fs.Error("renameat", RawName.ToDisplay(name), errno);
        }
    }

    private static void SetMetadata(SafeFd root, ManifestEntry entry, bool expectDirectory)
    {
        using SafeFd? fd = Fs.TryOpenBeneath(root, entry.Raw, Interop.O_PATH | Interop.O_NOFOLLOW, out int errno);
        if (fd is null)
        {
            throw Fs.Error("openat2", RawName.ToDisplay(entry.Raw), errno);
        }

        FileStatus st = Fs.Stat(fd);
        if (st.IsDirectory != expectDirectory || !(st.IsDirectory || st.IsRegular) || (st.IsRegular && st.LinkCount > 1))
        {
            throw new NonoException(NonoErrorCode.Io, $"{RawName.ToDisplay(entry.Raw)} changed type during restore; run the restore again", RawName.ToDisplay(entry.Raw));
        }

        ApplyMetadata(fd, entry);
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
    private static SafeFd OpenParent(SafeFd root, string relative) =>
        Fs.TryOpenBeneath(root, relative, s_dirFlags | Interop.O_NOFOLLOW, out int errno)
            ?? throw new NonoException(NonoErrorCode.Io, $"cannot open {(relative.Length == 0 ? "." : RawName.ToDisplay(relative))} inside the root without following a symlink ({System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)}); run the restore again", RawName.ToDisplay(relative), "openat2", errno);

    private static string TempName() => TempPrefix + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
}
