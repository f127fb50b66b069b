namespace Nono.Core.Sandbox;

/// <summary>
/// Landlock has no right for a file's mode, owner, timestamps or extended attributes: chmod, chown, utimensat and
/// setxattr on any file the command owns (for a capability-less root: every root-owned file) pass it. In the pidns
/// containment the init makes every mount of its private mount namespace read-only, which refuses all of them (EROFS),
/// and keeps the writable grants writable (<see cref="ChildInit"/>): each is bind-mounted onto itself first (a mount of its
/// own), and after the read-only pass those binds and the host's writable mounts below them are made writable again.
/// This class decides, in the parent, which paths are bound and which are made writable again.
/// </summary>
internal sealed record WritableMounts(IReadOnlyList<string> Binds, IReadOnlyList<string> Writable, bool PrivateShm)
{
    /// <summary>Where POSIX shared memory lives; a private tmpfs there when a writable grant covers it.</summary>
    public const string Shm = "/dev/shm";

    /// <summary>The plan line for the pidns containment.</summary>
    public static string Describe(IReadOnlyList<LandlockPathRule> rules) =>
        "  mounts: mode, owner, time and xattr changes confined to the writable grants by read-only mounts elsewhere"
        + (CoversShm(rules) ? $"; {Shm} private to the namespace" : "");

    /// <summary>
    /// The binds and writable mounts for <paramref name="rules"/>, against the host's mount table <paramref name="host"/>
    /// (in mount order, as /proc/self/mountinfo lists it).
    /// </summary>
    public static WritableMounts For(IReadOnlyList<LandlockPathRule> rules, IReadOnlyList<HostMount> host)
    {
        bool privateShm = CoversShm(rules);
        List<string> binds = [];
        // The init's own /proc stays read-only too: Landlock has no right for modes, and the modes of procfs entries that are
        // not per process (/proc/sysrq-trigger, /proc/bus/pci/...) are shared by every procfs instance, the host's included
        // (review of session 12). Writes through /proc/self/fd/N land on the target's own mount.
        List<string> writable = [];
        HashSet<string> seen = new(StringComparer.Ordinal) { "/proc" };
        foreach (LandlockPathRule rule in rules)
        {
            if (!IsWritable(rule.Access) || IsOnInitMount(rule.Path, privateShm) || !IsBindable(rule.Path))
            {
                continue;
            }

            binds.Add(rule.Path);
            // A grant on a mount the host made read-only stays read-only; so do read-only host mounts below it.
            if (HostMount.VisibleAt(host, rule.Path) is { ReadOnly: false } && seen.Add(rule.Path))
            {
                writable.Add(rule.Path);
            }

            foreach (HostMount below in host)
            {
                if (!below.ReadOnly && SandboxPath.IsStrictAncestor(rule.Path, below.MountPoint)
                    && !IsOnInitMount(below.MountPoint, privateShm)
                    && ReferenceEquals(HostMount.VisibleAt(host, below.MountPoint), below) && seen.Add(below.MountPoint))
                {
                    writable.Add(below.MountPoint);
                }
            }
        }

        return new WritableMounts(binds, writable, privateShm);
    }

    /// <summary>Whether <paramref name="access"/> writes anything (a grant that only reads stays on a read-only mount).</summary>
    internal static bool IsWritable(LandlockFs access) => (access & LandlockFs.WriteSet & ~LandlockFs.Refer) != 0;

    /// <summary>A writable grant at or above /dev/shm.</summary>
    internal static bool CoversShm(IReadOnlyList<LandlockPathRule> rules) =>
        rules.Any(r => IsWritable(r.Access) && SandboxPath.IsSameOrAncestor(r.Path, Shm));

    /// <summary>
    /// Paths on the mounts the init handles itself: its /proc, and /dev, whose device nodes need no writable mount to be
    /// read and written (a writable mount there would let the command chmod them), except files and directories below a
    /// /dev/shm that stays the host's; with a private /dev/shm, everything in it.
    /// </summary>
    private static bool IsOnInitMount(string path, bool privateShm) =>
        SandboxPath.IsSameOrAncestor("/proc", path)
        || (SandboxPath.IsUnderDev(path) && (privateShm || !SandboxPath.IsStrictAncestor(Shm, path)));

    /// <summary>
    /// Directories and regular files, never a symbolic link (mount(2) would follow it and bind its target: a carved
    /// directory's entries are not resolved by the planner). Sockets, FIFOs and devices need no writable mount for I/O.
    /// A path gone since planning needs nothing.
    /// </summary>
    private static bool IsBindable(string path) =>
        Policy.PathLookups.TypeOf(path, out _) is uint type
        && type is Snapshots.Native.Interop.S_IFDIR or Snapshots.Native.Interop.S_IFREG;
}
