using System.Globalization;
using Nono.Core.Sandbox;
using Nono.Core.Sandbox.Interop;
using Fs = Nono.Core.Snapshots.Native.Interop;

namespace Nono.Core.Audit.Observers;

/// <summary>
/// The attribute ioctls (<see cref="MetadataSyscalls.AttributeRequests"/>): the argument is copied from the caller's
/// memory with the size the kernel reads (an int for the flags and the version, struct fsxattr for FS_IOC_FSSETXATTR),
/// and the request is performed on a descriptor nono opens itself on the checked object, never on the caller's
/// descriptor (which another of its threads could replace meanwhile).
/// </summary>
internal sealed partial class MetadataRequest
{
    private const int EPERM = 1;
    private const int EBADF = 9;
    private const int EACCES = 13;
    private const int ENOTTY = 25;
    private const int FsxattrSize = 28;

    private uint _request;
    private byte[] _argument = [];

    private int ReadAttributeArgument(int mem, uint request, ulong address)
    {
        if (DirFd < 0)
        {
            return EBADF; // ioctl has no AT_FDCWD: a negative descriptor is the kernel's EBADF, never the working directory
        }

        _request = request;
        int size = request switch
        {
            MetadataSyscalls.FS_IOC_FSSETXATTR => FsxattrSize,
            MetadataSyscalls.FS_IOC_ENABLE_VERITY => -1,
            _ => sizeof(int),
        };
        if (size < 0)
        {
            // Its argument points at a salt and a signature of the caller's: not copied, so refused wherever nono supervises.
            return EPERM;
        }

        _argument = new byte[size];
        return ReadExactly(mem, address, _argument) ? 0 : 14; // EFAULT
    }

    /// <summary>
    /// Whether an attribute ioctl's caller named an O_PATH descriptor: the kernel answers EBADF (such a file has no
    /// operations), before any file-type or grant question. Read from <c>/proc/PID/fdinfo</c>; trusted only after the
    /// notification is checked valid. A descriptor swapped meanwhile only changes which answer the caller gets.
    /// </summary>
    internal bool NamesPathDescriptor(int pid)
    {
        if (_change != MetadataChange.Attributes || DirFd < 0
            || ProcText.Read($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/fdinfo/{DirFd.ToString(CultureInfo.InvariantCulture)}") is not string info)
        {
            return false;
        }

        foreach (string line in info.Split('\n'))
        {
            if (line.StartsWith("flags:", StringComparison.Ordinal))
            {
                return (Convert.ToInt64(line["flags:".Length..].Trim(), 8) & Interop.O_PATH) != 0;
            }
        }

        return false;
    }

    /// <summary>
    /// Only regular files and directories carry attributes: on anything else (pipe, socket, device) the kernel answers
    /// ENOTTY, so nono does too, before the grant check (nothing is recorded for an object that has no path).
    /// </summary>
    internal static bool CarriesAttributes(uint type) => type == Fs.S_IFREG || type == Fs.S_IFDIR;

    /// <summary>
    /// Only regular files and directories carry these attributes (on a device the request would reach its driver, which
    /// Landlock's IOCTL_DEV governs): anything else answers ENOTTY. The object is reopened read-only through
    /// <paramref name="proc"/> under the caller's credentials (write-only for a file it may only write), as its own
    /// descriptor would have it opened.
    /// </summary>
    private unsafe int PerformAttributes(int obj, string proc)
    {
        Fs.statx_buf stat;
        byte empty = 0;
        // SAFETY: empty is a NUL-terminated "" on this frame; stat is a 256-byte statx buffer on this frame.
        if (Fs.Libc.statx(obj, &empty, Fs.AT_EMPTY_PATH, 0x1 /* STATX_TYPE */, &stat) != 0)
        {
            return EPERM;
        }

        uint type = stat.stx_mode & Fs.S_IFMT;
        if (!CarriesAttributes(type))
        {
            return ENOTTY;
        }

        const int Flags = Fs.O_NONBLOCK | Fs.O_NOCTTY | Interop.O_CLOEXEC;
        int fd = Interop.Libc.open(proc, Fs.O_RDONLY | Flags, 0);
        if (fd < 0 && Interop.LastErrno == EACCES && type == Fs.S_IFREG)
        {
            fd = Interop.Libc.open(proc, Fs.O_WRONLY | Flags, 0);
        }

        if (fd < 0)
        {
            return Interop.LastErrno;
        }

        try
        {
            fixed (byte* argument = _argument)
            {
                // SAFETY: argument is pinned and holds the size the kernel reads for _request (ReadAttributeArgument).
                return Interop.Libc.ioctl(fd, _request, argument) == 0 ? 0 : Interop.LastErrno;
            }
        }
        finally
        {
            Interop.Libc.close(fd);
        }
    }
}
