using Nono.Core.Sandbox;
using Nono.Core.Sandbox.Interop;
using static Nono.Core.Sandbox.Interop.Interop.SeccompNotify;
using Fs = Nono.Core.Snapshots.Native.Interop;

namespace Nono.Core.Audit.Observers;

/// <summary>
/// One waiting metadata call's arguments, copied from the caller's memory (times and xattr values included, so what is
/// performed is what was read), and the call itself on an opened object (<see cref="Perform"/>).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed partial class MetadataRequest
{
    private const int ENOENT = 2;
    private const int E2BIG = 7;
    private const int EFAULT = 14;
    private const int EINVAL = 22;
    private const int ENOSYS = 38;
    private const int ERANGE = 34;
    private const int XattrNameMax = 255;
    private const int XattrSizeMax = 65536;
    private const long UtimeNow = (1L << 30) - 1;
    private const long UtimeOmit = (1L << 30) - 2;

    private MetadataChange _change;
    private uint _mode;
    private uint _uid;
    private uint _gid;
    private Fs.timespec[]? _times; // null: now
    private string? _xattrName;
    private byte[] _xattrValue = [];
    private int _xattrFlags;

    /// <summary>The path to resolve, or null: the call acts on <see cref="DirFd"/> (or the working directory).</summary>
    public string? Path { get; private set; }

    /// <summary>The descriptor the call acts on or is relative to, or Fs.AT_FDCWD.</summary>
    public int DirFd { get; private set; } = Fs.AT_FDCWD;

    /// <summary>Whether a final symbolic link is not followed.</summary>
    public bool NoFollow { get; private set; }

    /// <summary>
    /// Reads the call's arguments; null with <paramref name="invalid"/> the kernel's errno for bad arguments, or 0 when
    /// the caller's memory cannot be read.
    /// </summary>
    public static MetadataRequest? Read(int pid, seccomp_notif request, MetadataSyscall call, out int invalid)
    {
        invalid = 0;
        int mem = Interop.Libc.open($"/proc/{pid}/mem", Interop.O_CLOEXEC, 0); // O_RDONLY
        if (mem < 0)
        {
            return null;
        }

        try
        {
            return ReadFrom(mem, request, call, out invalid);
        }
        finally
        {
            Interop.Libc.close(mem);
        }
    }

    private static unsafe MetadataRequest? ReadFrom(int mem, seccomp_notif request, MetadataSyscall call, out int invalid)
    {
        MetadataRequest r = new() { _change = call.Change };
        ulong[] args = new ulong[6];
        for (int i = 0; i < args.Length; i++)
        {
            args[i] = request.args[i];
        }

        ulong At(int index) => args[index];
        int flags = call.FlagsArg < 0 ? 0 : unchecked((int)(uint)At(call.FlagsArg));
        invalid = (flags & ~(Fs.AT_SYMLINK_NOFOLLOW | Fs.AT_EMPTY_PATH)) != 0 ? EINVAL : 0;
        if (invalid != 0)
        {
            return null;
        }

        r.NoFollow = call.NoFollow || (flags & Fs.AT_SYMLINK_NOFOLLOW) != 0;
        r.DirFd = call.FdArg < 0 ? Fs.AT_FDCWD : unchecked((int)(uint)At(call.FdArg));
        if (call.PathArg >= 0)
        {
            if (At(call.PathArg) == 0)
            {
                if (call.Times != MetadataTimes.Timespec || r.DirFd == Fs.AT_FDCWD)
                {
                    invalid = EFAULT;
                    return null;
                }

                // utimensat(fd, NULL, ...): the descriptor itself.
            }
            else if (SeccompObserver.ReadCString(mem, At(call.PathArg)) is string path)
            {
                if (path.Length == 0 && (flags & Fs.AT_EMPTY_PATH) == 0)
                {
                    invalid = ENOENT;
                    return null;
                }

                r.Path = path.Length == 0 ? null : path;
            }
            else
            {
                invalid = EFAULT;
                return null;
            }
        }

        invalid = r.ReadValues(mem, request, call);
        return invalid == 0 ? r : null;
    }

    private unsafe int ReadValues(int mem, seccomp_notif request, MetadataSyscall call)
    {
        ulong value = request.args[call.ValueArg];
        switch (call.Change)
        {
            case MetadataChange.Mode:
                _mode = (uint)value & 0xFFF; // S_IALLUGO: the set-ID bit never gets here (the enforcing filter refuses it)
                return 0;
            case MetadataChange.Owner:
                (_uid, _gid) = ((uint)value, (uint)request.args[call.ValueArg + 1]);
                return 0;
            case MetadataChange.Times:
                return value == 0 ? 0 : ReadTimes(mem, value, call.Times);
            case MetadataChange.SetXattr:
            case MetadataChange.RemoveXattr:
                _xattrName = SeccompObserver.ReadCString(mem, value);
                if (_xattrName is null)
                {
                    return EFAULT;
                }

                if (_xattrName.Length == 0 || System.Text.Encoding.UTF8.GetByteCount(_xattrName) > XattrNameMax)
                {
                    return ERANGE;
                }

                if (call.Change == MetadataChange.RemoveXattr)
                {
                    return 0;
                }

                ulong size = request.args[call.ValueArg + 2];
                _xattrFlags = unchecked((int)(uint)request.args[call.ValueArg + 3]);
                if (size > XattrSizeMax)
                {
                    return E2BIG;
                }

                _xattrValue = new byte[size];
                return size == 0 || ReadExactly(mem, request.args[call.ValueArg + 1], _xattrValue) ? 0 : EFAULT;
            case MetadataChange.Attributes:
                return ReadAttributeArgument(mem, (uint)value, request.args[call.ValueArg + 1]);
            default:
                return ENOSYS;
        }
    }

    private int ReadTimes(int mem, ulong address, MetadataTimes layout)
    {
        long[] raw = new long[layout == MetadataTimes.Utimbuf ? 2 : 4];
        byte[] bytes = new byte[raw.Length * sizeof(long)];
        if (!ReadExactly(mem, address, bytes))
        {
            return EFAULT;
        }

        Buffer.BlockCopy(bytes, 0, raw, 0, bytes.Length);
        _times = layout switch
        {
            MetadataTimes.Utimbuf => [new() { tv_sec = raw[0] }, new() { tv_sec = raw[1] }],
            MetadataTimes.Timeval => [new() { tv_sec = raw[0], tv_nsec = raw[1] * 1000 }, new() { tv_sec = raw[2], tv_nsec = raw[3] * 1000 }],
            _ => [new() { tv_sec = raw[0], tv_nsec = raw[1] }, new() { tv_sec = raw[2], tv_nsec = raw[3] }],
        };
        foreach (Fs.timespec t in _times)
        {
            bool valid = t.tv_nsec is >= 0 and < 1_000_000_000 || (layout == MetadataTimes.Timespec && t.tv_nsec is UtimeNow or UtimeOmit);
            if (!valid)
            {
                return EINVAL;
            }
        }

        return 0;
    }

    private static unsafe bool ReadExactly(int mem, ulong address, byte[] into)
    {
        fixed (byte* p = into)
        {
            // SAFETY: p is pinned for the call and into.Length bytes long.
            return Interop.Libc.pread(mem, p, into.Length, unchecked((long)address)) == into.Length;
        }
    }

    /// <summary>Performs the call on <paramref name="obj"/> (an O_PATH descriptor of the checked object): 0 or the errno.</summary>
    public unsafe int Perform(int obj)
    {
        byte empty = 0;
        string proc = $"/proc/self/fd/{obj.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        int result;
        switch (_change)
        {
            case MetadataChange.Mode:
                // SAFETY: empty is a NUL-terminated "" on this frame.
                result = Fs.Libc.syscall_fchmodat2(Fs.SYS_fchmodat2, obj, &empty, _mode, Fs.AT_EMPTY_PATH);
                if (result != 0 && Interop.LastErrno == ENOSYS)
                {
                    result = Interop.Libc.chmod(proc, _mode); // before Linux 6.6: the magic link names the object itself
                }

                break;
            case MetadataChange.Owner:
                // SAFETY: as above.
                result = Fs.Libc.fchownat(obj, &empty, _uid, _gid, Fs.AT_EMPTY_PATH);
                break;
            case MetadataChange.Times:
                fixed (Fs.timespec* times = _times)
                {
                    // SAFETY: times is null (now) or two pinned timespecs; empty as above.
                    result = Fs.Libc.utimensat(obj, &empty, times, Fs.AT_EMPTY_PATH);
                }

                break;
            case MetadataChange.SetXattr:
                fixed (byte* value = _xattrValue)
                {
                    // SAFETY: value is pinned and _xattrValue.Length bytes long (null when empty: the kernel reads none).
                    result = Interop.Libc.setxattr(proc, _xattrName!, value, (nuint)_xattrValue.Length, _xattrFlags); // ! set by ReadValues
                }

                break;
            case MetadataChange.Attributes:
                return PerformAttributes(obj, proc);
            default:
                result = Interop.Libc.removexattr(proc, _xattrName!); // ! set by ReadValues
                break;
        }

        return result == 0 ? 0 : Interop.LastErrno;
    }
}
