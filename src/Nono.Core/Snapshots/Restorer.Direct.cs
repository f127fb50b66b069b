using System.Buffers;
using Microsoft.Win32.SafeHandles;
using Nono.Core.Snapshots.Native;

namespace Nono.Core.Snapshots;

/// <summary>
/// Content up to <see cref="DirectLimit"/> bytes (nearly every file of a source tree) skips the
/// staging area: it was verified before the tree was touched and kept in memory (up to a budget;
/// beyond it, decoded and re-hashed again) and is written into a temp file created next to its name (openat O_CREAT|O_EXCL|O_NOFOLLOW on the
/// beneath-safe parent descriptor, already with its final mode when the umask allows), given owner
/// and mtime through the descriptor, and renamed over the name. That is openat, pwrite, futimens,
/// close and renameat per file, plus one pread when the object is packed, instead of staging's
/// extra open/read/close of the object and a second inode operation in one shared directory.
/// </summary>
internal sealed partial class Restorer
{
    public const int DirectLimit = 256 * 1024;

    /// <summary>
    /// Files from this size on get their write-back started as soon as they are written (about 85 % of
    /// the bytes of a source tree are in them), so the final syncfs mostly waits for I/O already under
    /// way instead of starting it; smaller files are left to syncfs (a syscall each would cost more).
    /// </summary>
    private const int WritebackHintSize = 64 * 1024;

    /// <summary>Verified small content kept in memory between the check and the write (see <see cref="KeepVerified"/>).</summary>
    private const long VerifiedCacheBudget = 256L * 1024 * 1024;

    private readonly VerifiedContent _verified;

    private static readonly string s_tempPrefix = TempPrefix + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6)) + "-";
    private static long s_tempCounter;

    [ThreadStatic]
    private static SafeFd? t_ownerDirectory;

    [ThreadStatic]
    private static uint t_newFileGid;

    private static bool IsDirect(ManifestEntry file) => file.Size <= DirectLimit;

    /// <summary>A fresh temp name: random per process, counted within it (no getrandom per file).</summary>
    private static string TempName() => s_tempPrefix + Interlocked.Increment(ref s_tempCounter).ToString("x", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// As root, whether a file just created in <paramref name="dir"/> needs fchown: it is owned by root
    /// and by our group, or by the directory's group when the directory is set-group-id (one fstat per
    /// parent descriptor, cached on the thread). Without root nono cannot give files away anyway.
    /// </summary>
    private static bool NeedsChown(SafeFd dir, ManifestEntry entry)
    {
        if (!Fs.IsRoot)
        {
            return false;
        }

        if (!ReferenceEquals(t_ownerDirectory, dir))
        {
            FileStatus st = Fs.Stat(dir);
            t_newFileGid = (st.Mode & 0x400) != 0 ? st.Gid : Fs.EffectiveGid;
            t_ownerDirectory = dir;
        }

        return entry.Uid != 0 || entry.Gid != t_newFileGid;
    }

    /// <summary>
    /// Verifies one object before the tree is touched and, within <see cref="VerifiedCacheBudget"/>,
    /// keeps its content in private memory, so writing it needs no second read and decode.
    /// </summary>
    private void KeepVerified(string hash, long size)
    {
        if (_verified.TryReserve((int)size + 1, out Span<byte> destination, out nint address))
        {
            _verified.Keep(hash, address, _objects.DecodeVerified(hash, size, destination));
        }
        else
        {
            ArrayPool<byte>.Shared.Return(_objects.RentVerified(hash, size, out _));
        }
    }

    private void ReleaseVerified() => _verified.Dispose();

    /// <summary>
    /// Writes verified content under <paramref name="name"/>: complete, with its metadata, before the name shows it.
    /// A name that was absent at plan time (<paramref name="absent"/>, nearly every file of a deleted tree) is given
    /// an unnamed file (O_TMPFILE) that is linked in when done: one directory entry made instead of a temp name made,
    /// looked up and renamed away, and nothing left behind when the restore is killed. A name that exists, or appeared
    /// since the plan (linkat refuses to replace it), gets a temp file renamed over it.
    /// </summary>
    private void WriteFile(SafeFd dir, string name, ManifestEntry entry, ReadOnlySpan<byte> content, bool absent)
    {
        uint mode = SafeMode(entry.Mode);
        bool exact = (mode & ~0x1FFu) == 0 && (mode & Fs.Umask) == 0; // openat's mode is masked by the umask, and sticky needs fchmod
        SafeFd? unnamed = absent ? Fs.TryOpenAnonymous(dir, exact ? mode : 0x180) : null;
        if (unnamed is not null)
        {
            using (unnamed)
            {
                Fill(unnamed, dir, entry, content, mode, exact);
                if (TryLinkUnnamed(unnamed, dir, name))
                {
                    Interlocked.Add(ref _bytesWritten, entry.Size);
                    return;
                }
            }
        }

        string tempName = TempName();
        using (SafeFd target = Fs.OpenAt(dir, tempName, Interop.O_WRONLY | Interop.O_CREAT | Interop.O_EXCL | Interop.O_NOFOLLOW, exact ? mode : 0x180))
        {
            try
            {
                Fill(target, dir, entry, content, mode, exact);
            }
            catch
            {
                _ = Fs.TryUnlinkAt(dir, tempName, directory: false);
                throw;
            }
        }

        ReplaceWith(dir, tempName, name);
        Interlocked.Add(ref _bytesWritten, entry.Size);
    }

    /// <summary>
    /// Names the filled unnamed file; a name taken since the plan (EEXIST) is replaced through a temp name. Any other
    /// failure (/proc missing or masked, no CAP_DAC_READ_SEARCH for AT_EMPTY_PATH on older kernels, ...) turns unnamed
    /// files off for this process and returns false: the caller writes this file again through a temp name.
    /// </summary>
    private static bool TryLinkUnnamed(SafeFd unnamed, SafeFd dir, string name)
    {
        int errno = Fs.TryLinkAnonymous(unnamed, dir, name);
        if (errno == 0)
        {
            return true;
        }

        if (errno == (int)Interop.Errno.EEXIST)
        {
            string temp = TempName(); // the name appeared since the plan: replace it as an existing one
            errno = Fs.TryLinkAnonymous(unnamed, dir, temp);
            if (errno == 0)
            {
                ReplaceWith(dir, temp, name);
                return true;
            }

            if (errno == (int)Interop.Errno.EEXIST)
            {
                throw Fs.Error("linkat", RawName.ToDisplay(temp), errno);
            }
        }

        Fs.DisableAnonymous();
        return false;
    }

    /// <summary>Content, owner, mode and mtime through the new file's descriptor; write-back started for larger content.</summary>
    private static void Fill(SafeFd target, SafeFd dir, ManifestEntry entry, ReadOnlySpan<byte> content, uint mode, bool exact)
    {
        Fs.WriteAll(target, content);
        using SafeFileHandle to = Fs.Borrow(target);
        Fs.SetMetadata(to, NeedsChown(dir, entry), entry.Uid, entry.Gid, mode, entry.MtimeNs, chmod: !exact);
        if (content.Length >= WritebackHintSize)
        {
            Fs.StartWriteback(target);
        }
    }
}
