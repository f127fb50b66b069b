using Nono.Core.Capabilities;

namespace Nono.Core.Sandbox;

/// <summary>
/// Files nono reads secrets from (a route's <c>file://</c> credential, the audit signing key) are denied to the command
/// like the mandatory credential paths: a deny inside a granted directory is carved out of it (the planner reports
/// a problem when it cannot be), by the path as given and by its real path, whose inode the carving also keeps out
/// of sibling rules (hard links).
/// </summary>
public static class SecretFileDenies
{
    private const string FileScheme = "file://";

    /// <summary>The path of a <c>file://</c> key reference, or null for any other kind (env://, a command).</summary>
    public static string? PathOf(string? key) =>
        key is not null && key.StartsWith(FileScheme, StringComparison.Ordinal) && key.Length > FileScheme.Length ? key[FileScheme.Length..] : null;

    /// <summary><paramref name="capabilities"/> with every file in <paramref name="secretFiles"/> (path, what it holds) denied.</summary>
    public static CapabilitySet Apply(CapabilitySet capabilities, IEnumerable<(string Path, string What)> secretFiles)
    {
        ArgumentNullException.ThrowIfNull(capabilities);
        ArgumentNullException.ThrowIfNull(secretFiles);
        List<FsDeny> denies = [.. capabilities.Denies];
        foreach ((string path, string what) in secretFiles)
        {
            string full = Path.GetFullPath(path); // relative to nono's working directory, as the reader opens it
            string source = $"secret file ({what})";
            denies.Add(new FsDeny(full, source));
            if (OperatingSystem.IsLinux() && Snapshots.Native.Fs.RealPath(full) is string real && real != full)
            {
                denies.Add(new FsDeny(real, source));
            }
        }

        return denies.Count == capabilities.Denies.Count ? capabilities : capabilities with { Denies = denies };
    }

    /// <summary>
    /// One line per secret file inside a granted directory, saying what the carving costs there. Landlock cannot take one
    /// file out of a directory rule, so the directory's entries are granted one by one instead, and the granted directory
    /// and every directory down to the file lose their own rights: they cannot be listed, and (in a writable grant) no
    /// entry can be created, renamed or removed directly in them. The secret stays out of reach either way (fail
    /// secure); the line tells the user why such a directory now fails and how to avoid it.
    /// </summary>
    public static IReadOnlyList<string> CarvingCosts(CapabilitySet capabilities, IEnumerable<(string Path, string What)> secretFiles)
    {
        ArgumentNullException.ThrowIfNull(capabilities);
        ArgumentNullException.ThrowIfNull(secretFiles);
        List<string> lines = [];
        foreach ((string path, string what) in secretFiles)
        {
            string full = Path.GetFullPath(path);
            string? real = OperatingSystem.IsLinux() ? Snapshots.Native.Fs.RealPath(full) : null;
            foreach (FsGrant grant in capabilities.Grants)
            {
                if (grant.IsFile || !(SandboxPath.IsSameOrAncestor(grant.Path, full) || (real is not null && SandboxPath.IsSameOrAncestor(grant.Path, real))))
                {
                    continue;
                }

                string lost = (grant.Access & FsAccess.Write) != 0 ? "listed, nor have entries created, renamed or removed directly in them" : "listed";
                lines.Add($"secret file {full} ({what}) is inside the granted directory {grant.Path} ({grant.Source}): it is carved out, so {grant.Path} and the directories down to the file can no longer be {lost}; keep the file outside granted directories, or pass the secret as env://VAR");
            }
        }

        return lines;
    }
}
