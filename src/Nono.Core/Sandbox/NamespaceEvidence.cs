using System.Globalization;

namespace Nono.Core.Sandbox;

/// <summary>
/// Whether the namespace tiers (a private network namespace, a private PID namespace with its own /proc) can be
/// expected to work here without forking a probe child, read from the process's and the kernel's settings. Only the
/// plain case is taken on trust: the process is in the initial user namespace, has no seccomp filter, is not confined
/// by an LSM profile, user namespaces are allowed by every sysctl that can forbid them and /proc has nothing mounted
/// over it. Anything else (a container, a nested sandbox, AppArmor, a restricted kernel) answers "unknown" and the
/// caller probes as before. When the evidence was wrong after all, the launch fails with the failed step named: the run
/// stops rather than falling back to a weaker tier.
/// </summary>
public static class NamespaceEvidence
{
    private static readonly Lazy<string?> s_probeNeeded = new(Read);

    /// <summary>Null when the namespace tiers can be expected to work; otherwise why a probe is needed (read once per process).</summary>
    public static string? ProbeNeeded() => s_probeNeeded.Value;

    private static string? Read()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "not Linux";
        }

        return ProbeNeeded(
            Read("/proc/self/status"),
            Read("/proc/self/uid_map"),
            Read("/proc/self/mountinfo"),
            Read("/proc/self/attr/current"),
            SmallestLimit(
                Read("/proc/sys/user/max_user_namespaces"),
                Read("/proc/sys/user/max_net_namespaces"),
                Read("/proc/sys/user/max_pid_namespaces"),
                Read("/proc/sys/user/max_mnt_namespaces")),
            Read("/proc/sys/kernel/unprivileged_userns_clone"),
            Read(NetworkNamespaceSupport.AppArmorSysctl));
    }

    /// <summary>The decision on the given file contents (null: the file is absent or unreadable).</summary>
    internal static string? ProbeNeeded(
        string? status, string? uidMap, string? mountInfo, string? lsmLabel, string? maxUserNamespaces, string? unprivilegedClone, string? appArmorRestrict)
    {
        if (status is null || StatusField(status, "Seccomp") != "0")
        {
            return "the process has a seccomp filter (or its status is unreadable)";
        }

        if (uidMap is null || !IsInitialUserNamespace(uidMap))
        {
            return "the process is in a nested user namespace";
        }

        if (lsmLabel is not null && lsmLabel.TrimEnd('\0', '\n', ' ') is { Length: > 0 } label && label != "unconfined")
        {
            return $"the process is confined by an LSM profile ({label})";
        }

        if (!long.TryParse(maxUserNamespaces?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long max) || max < 1)
        {
            return "a user.max_{user,net,pid,mnt}_namespaces limit is 0 or unreadable";
        }

        if (unprivilegedClone is not null && unprivilegedClone.Trim() != "1")
        {
            return "kernel.unprivileged_userns_clone is not 1";
        }

        if (appArmorRestrict is not null && appArmorRestrict.Trim() != "0")
        {
            return "kernel.apparmor_restrict_unprivileged_userns is set";
        }

        if (mountInfo is null || HasMountsUnderProc(mountInfo))
        {
            return "/proc has mounts over parts of it (a fresh proc mount may be refused)";
        }

        return null;
    }

    /// <summary>
    /// The smallest of the namespace-count limits (user, net, pid, mnt): any of them at 0 makes the unshare fail with
    /// ENOSPC. Null when one is absent or not a number, which asks for a probe.
    /// </summary>
    internal static string? SmallestLimit(params string?[] limits)
    {
        long smallest = long.MaxValue;
        foreach (string? limit in limits)
        {
            if (!long.TryParse(limit?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long value))
            {
                return null;
            }

            smallest = Math.Min(smallest, value);
        }

        return smallest.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The value of field <paramref name="name"/> in a /proc/PID/status text, trimmed; null when absent.</summary>
    internal static string? StatusField(string status, string name)
    {
        ReadOnlySpan<char> rest = status;
        while (!rest.IsEmpty)
        {
            ReadOnlySpan<char> line = NextLine(ref rest);
            if (line.StartsWith(name, StringComparison.Ordinal) && line.Length > name.Length && line[name.Length] == ':')
            {
                return line[(name.Length + 1)..].Trim().ToString();
            }
        }

        return null;
    }

    /// <summary>The text up to the next '\n' (or the end), and <paramref name="rest"/> moved past it.</summary>
    private static ReadOnlySpan<char> NextLine(ref ReadOnlySpan<char> rest)
    {
        int end = rest.IndexOf('\n');
        ReadOnlySpan<char> line = end < 0 ? rest : rest[..end];
        rest = end < 0 ? [] : rest[(end + 1)..];
        return line;
    }

    /// <summary>The initial user namespace maps every id: <c>0 0 4294967295</c>.</summary>
    private static bool IsInitialUserNamespace(string uidMap)
    {
        string[] lines = uidMap.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return lines.Length == 1
            && lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries) is ["0", "0", "4294967295"];
    }

    /// <summary>Whether anything is mounted strictly below /proc (mountinfo's fifth field is the mount point).</summary>
    private static bool HasMountsUnderProc(string mountInfo)
    {
        ReadOnlySpan<char> rest = mountInfo;
        while (!rest.IsEmpty)
        {
            ReadOnlySpan<char> field = NextLine(ref rest);
            for (int skipped = 0; skipped < 4 && field.IndexOf(' ') is int space and >= 0; skipped++)
            {
                field = field[(space + 1)..];
                if (skipped == 3 && field.StartsWith("/proc/", StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static string? Read(string path) => ProcText.Read(path);
}
