using FileStatus = Nono.Core.Snapshots.Native.FileStatus;

namespace Nono.Core.Sandbox;

/// <summary>
/// One deny a root-only walk found, before the grant's source is known (<see cref="RootOnlyGrantWalk"/>): an entry others
/// cannot read (with its mode and owner), or one the walk's bounds left unlooked at (<see cref="Permissions"/> null).
/// </summary>
/// <param name="Path">The path to deny.</param>
/// <param name="UnlessDenied">Whether an existing deny covering the path replaces it (it keeps its own reason).</param>
/// <param name="Permissions">The entry's permission bits; null when the bounds left it unlooked at.</param>
/// <param name="Uid">The entry's owner.</param>
/// <param name="Gid">The entry's group.</param>
internal readonly record struct RootOnlyFinding(string Path, bool UnlessDenied, uint? Permissions, uint Uid, uint Gid)
{
    public static RootOnlyFinding Of(string path, FileStatus status, bool unlessDenied) =>
        new(path, unlessDenied, status.Permissions, status.Uid, status.Gid);

    public static RootOnlyFinding NotWalked(string path, bool unlessDenied) => new(path, unlessDenied, null, 0, 0);

    /// <summary>The deny's reason, naming the grant's <paramref name="source"/>.</summary>
    public string Reason(string source) => Permissions is uint permissions
        ? $"{source}: mode {Convert.ToString(permissions, 8)}, owner {Uid}:{Gid}, not readable by others"
        : $"{source}: not walked (root-only check bounds)";
}
