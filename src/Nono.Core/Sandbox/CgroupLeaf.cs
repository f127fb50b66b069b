using System.Globalization;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using Nono.Core.Diagnostics;

namespace Nono.Core.Sandbox;

/// <summary>
/// A cgroup v2 leaf for one run (<see cref="ProcessContainment.Cgroup"/>), created next to nono's own cgroup: the command
/// moves itself in before exec, so every descendant stays in it; <see cref="Dispose"/> kills whatever is left
/// (<c>cgroup.kill</c>) and removes the leaf. Creating it needs write access to nono's cgroup directory (root, or a
/// delegated cgroup such as a systemd user service with <c>Delegate=yes</c>).
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class CgroupLeaf : IDisposable
{
    private bool _disposed;

    private CgroupLeaf(string path) => Path = path;

    /// <summary>The leaf's directory in the cgroup v2 hierarchy.</summary>
    public string Path { get; }

    /// <summary>Whether a leaf can be created here (by creating and removing one); the reason when not.</summary>
    public static (bool Available, string Problem) Probe()
    {
        (CgroupLeaf? leaf, string problem) = TryCreate("probe");
        leaf?.Dispose();
        return (leaf is not null, problem);
    }

    /// <summary>Creates a leaf for a run; throws <see cref="NonoException"/> when it cannot.</summary>
    public static CgroupLeaf Create()
    {
        (CgroupLeaf? leaf, string problem) = TryCreate("run");
        return leaf ?? throw new NonoException(NonoErrorCode.SandboxSetupFailed, $"cannot create the cgroup for the sandbox: {problem}");
    }

    /// <summary>Whether any process is still in the leaf.</summary>
    public bool Populated =>
        File.ReadLines(System.IO.Path.Combine(Path, "cgroup.events")).Any(l => l == "populated 1");

    /// <summary>Opens <c>cgroup.procs</c> for writing (the child writes "0" to move itself in).</summary>
    internal SafeFileHandle OpenProcs() => File.OpenHandle(System.IO.Path.Combine(Path, "cgroup.procs"), FileMode.Open, FileAccess.Write);

    /// <summary>Opens <c>cgroup.kill</c> for writing (the relay writes "1" when nono dies).</summary>
    internal SafeFileHandle OpenKill() => File.OpenHandle(System.IO.Path.Combine(Path, "cgroup.kill"), FileMode.Open, FileAccess.Write);

    /// <summary>Kills every process left in the leaf, waits until it is empty, and removes it.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!Directory.Exists(Path))
        {
            return; // the relay already removed it
        }

        File.WriteAllText(System.IO.Path.Combine(Path, "cgroup.kill"), "1");
        // SIGKILL is delivered at once, but the processes take a moment to exit; bounded so a stuck (D-state) process
        // cannot hang nono forever. A leaf that stays populated is left behind and reported.
        for (int i = 0; i < 1000 && Populated; i++)
        {
            Thread.Sleep(5);
        }

        try
        {
            Directory.Delete(Path);
        }
        catch (IOException ex)
        {
            throw new NonoException(NonoErrorCode.SandboxSetupFailed, $"the sandbox cgroup {Path} could not be removed: {ex.Message}", Path);
        }
    }

    private static (CgroupLeaf? Leaf, string Problem) TryCreate(string purpose)
    {
        string? parent = OwnCgroupDirectory(out string problem);
        if (parent is null)
        {
            return (null, problem);
        }

        string path = System.IO.Path.Combine(parent, $"nono-{purpose}-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}");
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, $"cannot create a cgroup under {parent} ({ex.Message}); it needs root or a delegated cgroup");
        }

        CgroupLeaf leaf = new(path);
        if (!File.Exists(System.IO.Path.Combine(path, "cgroup.kill")))
        {
            leaf._disposed = true;
            Directory.Delete(path);
            return (null, "the kernel has no cgroup.kill (needs Linux 5.14)");
        }

        return (leaf, "");
    }

    /// <summary>nono's own cgroup v2 directory (from /proc/self/cgroup and the cgroup2 mount in /proc/self/mountinfo).</summary>
    private static string? OwnCgroupDirectory(out string problem)
    {
        string? relative = File.ReadLines("/proc/self/cgroup").FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal))?[3..];
        string[]? mount = Cgroup2MountFields();
        if (relative is null || mount is null)
        {
            problem = "no cgroup v2 hierarchy is mounted";
            return null;
        }

        string root = mount[3];
        if (root != "/" && !(relative + "/").StartsWith(root + "/", StringComparison.Ordinal))
        {
            problem = $"nono's cgroup {relative} is outside the mounted cgroup2 tree {root}";
            return null;
        }

        problem = "";
        string below = root == "/" ? relative : relative[root.Length..];
        return System.IO.Path.Join(MountPoint(mount), below.TrimStart('/'));
    }

    /// <summary>
    /// Where a cgroup v2 hierarchy is mounted, or null. Hybrid hosts mount it beside the v1 controllers (often at
    /// /sys/fs/cgroup/unified), so /sys/fs/cgroup itself is not the test.
    /// </summary>
    internal static string? Cgroup2MountPoint() => Cgroup2MountFields() is { } fields ? MountPoint(fields) : null;

    // mountinfo: id parent major:minor root mount-point options ... - fstype source super-options
    private static string[]? Cgroup2MountFields() => File.ReadLines("/proc/self/mountinfo")
        .Select(l => l.Split(' '))
        .FirstOrDefault(f => Array.IndexOf(f, "-") is int dash && dash > 0 && dash + 1 < f.Length && f[dash + 1] == "cgroup2");

    private static string MountPoint(string[] fields) => fields[4].Replace("\\040", " ", StringComparison.Ordinal);
}
