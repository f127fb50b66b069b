namespace Nono.Core.Sandbox;

/// <summary>LANDLOCK_ACCESS_FS_* rights (include/uapi/linux/landlock.h), with the ABI that introduced them.</summary>
[Flags]
internal enum LandlockFs : ulong
{
    None = 0,
    Execute = 1UL << 0,
    WriteFile = 1UL << 1,
    ReadFile = 1UL << 2,
    ReadDir = 1UL << 3,
    RemoveDir = 1UL << 4,
    RemoveFile = 1UL << 5,
    MakeChar = 1UL << 6,
    MakeDir = 1UL << 7,
    MakeReg = 1UL << 8,
    MakeSock = 1UL << 9,
    MakeFifo = 1UL << 10,
    MakeBlock = 1UL << 11,
    MakeSym = 1UL << 12,

    /// <summary>ABI 2: link/rename across directories.</summary>
    Refer = 1UL << 13,

    /// <summary>ABI 3: truncate(2), ftruncate on files opened after the sandbox, O_TRUNC.</summary>
    Truncate = 1UL << 14,

    /// <summary>ABI 5: ioctl(2) on character and block devices.</summary>
    IoctlDev = 1UL << 15,

    /// <summary>Rights that make sense on a rule for a single file (the kernel rejects the others with EINVAL).</summary>
    FileRights = Execute | WriteFile | ReadFile | Truncate | IoctlDev,

    /// <summary>Every right of ABI 1.</summary>
    AbiV1 = Execute | WriteFile | ReadFile | ReadDir | RemoveDir | RemoveFile | MakeChar | MakeDir | MakeReg | MakeSock | MakeFifo | MakeBlock | MakeSym,

    /// <summary>What a read grant gives: read includes execute.</summary>
    ReadSet = Execute | ReadFile | ReadDir,

    /// <summary>
    /// What a write grant gives (masked to the ABI later). Never MakeChar/MakeBlock: a root sandbox could
    /// mknod a node for the host's disk inside its own grant and read the raw device past every rule.
    /// </summary>
    WriteSet = WriteFile | RemoveDir | RemoveFile | MakeDir | MakeReg | MakeSock | MakeFifo | MakeSym | Refer | Truncate,
}
