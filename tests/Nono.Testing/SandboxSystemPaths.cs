using Nono.Core.Capabilities;
using Nono.Core.Sandbox;

namespace Nono.Testing;

/// <summary>
/// The one list of system paths sandbox tests grant so that /bin/sh, coreutils and /usr/bin/python3 run.
/// Read-only everything except /dev/null. Canonical (links resolved) and de-duplicated.
/// </summary>
public static class SandboxSystemPaths
{
    /// <summary>Directories granted read (which includes execute).</summary>
    public static IReadOnlyList<string> ReadDirectories { get; } = Canonical("/usr", "/bin", "/sbin", "/lib", "/lib64", "/etc", "/proc");

    /// <summary>Files granted read and write.</summary>
    public static IReadOnlyList<string> ReadWriteFiles { get; } = Canonical("/dev/null");

    /// <summary>The grants as a capability-set fragment.</summary>
    public static IReadOnlyList<FsGrant> Grants { get; } =
    [
        .. ReadDirectories.Select(p => new FsGrant(p, FsAccess.Read, false, "test system paths")),
        .. ReadWriteFiles.Select(p => new FsGrant(p, FsAccess.ReadWrite, true, "test system paths")),
    ];

    /// <summary>The same grants as nono CLI flags.</summary>
    public static IReadOnlyList<string> CliFlags { get; } =
    [
        .. ReadDirectories.SelectMany(p => new[] { "--read", p }),
        .. ReadWriteFiles.SelectMany(p => new[] { "--allow-file", p }),
    ];

    private static string[] Canonical(params string[] paths) =>
        [.. paths.Select(p => CanonicalPath.Resolve(p, "/")).OfType<string>().Distinct(StringComparer.Ordinal)];
}
