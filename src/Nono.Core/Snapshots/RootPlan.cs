using Nono.Core.Snapshots.Native;

namespace Nono.Core.Snapshots;

/// <summary>The steps that bring one root back to a manifest, computed from a fresh scan of the tree.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class RootPlan
{
    /// <summary>The tracked root as the session records it (for a file root, the file).</summary>
    public required string Root { get; init; }

    /// <summary>The directory the plan's raw paths are relative to (for a file root, the file's directory).</summary>
    public required string Directory { get; init; }

    public List<string> Deletes { get; } = [];

    public List<ManifestEntry> Mkdirs { get; } = [];

    public List<ManifestEntry> Files { get; } = [];

    public List<ManifestEntry> Symlinks { get; } = [];

    public List<ManifestEntry> FileModes { get; } = [];

    public List<ManifestEntry> Directories { get; } = [];

    /// <summary>Files of <see cref="Files"/> whose name was free at plan time (written without a temp name, see Restorer.WriteFile).</summary>
    public HashSet<ManifestEntry> Absent { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>Existing directories whose mode differs (reported; every directory's mode and time are set anyway).</summary>
    public List<ManifestEntry> DirectoryModes { get; } = [];

    public static RootPlan Build(string root, string directory, ManifestRoot target, ScanResult current)
    {
        RootPlan plan = new() { Root = root, Directory = directory };
        Dictionary<string, ManifestEntry> now = current.Entries.ToDictionary(e => e.Raw, StringComparer.Ordinal);
        HashSet<string> wanted = new(target.Entries.Select(e => e.Raw), StringComparer.Ordinal);
        SortedSet<string> deletes = new(StringComparer.Ordinal);
        foreach (ManifestEntry c in current.Entries)
        {
            if (!wanted.Contains(c.Raw))
            {
                deletes.Add(c.Raw);
            }
        }

        foreach (SkippedEntry special in current.Skipped)
        {
            deletes.Add(special.Raw);
        }

        foreach (ManifestEntry t in target.Entries)
        {
            ManifestEntry? c = now.GetValueOrDefault(t.Raw);
            switch (t.Type)
            {
                case EntryType.Directory:
                    plan.Directories.Add(t);
                    if (c is not null && c.Type == EntryType.Directory && c.Mode != Restorer.SafeMode(t.Mode))
                    {
                        plan.DirectoryModes.Add(t);
                    }

                    if (c is not null && c.Type != EntryType.Directory)
                    {
                        deletes.Add(t.Raw);
                    }

                    if (c is null || c.Type != EntryType.Directory)
                    {
                        plan.Mkdirs.Add(t);
                    }

                    break;
                case EntryType.File:
                    if (c is not null && c.Type == EntryType.File && c.Hash == t.Hash && c.Size == t.Size && c.LinkCount == 1)
                    {
                        if (c.Mode != Restorer.SafeMode(t.Mode) || c.MtimeNs != t.MtimeNs || (Native.Fs.IsRoot && (c.Uid != t.Uid || c.Gid != t.Gid)))
                        {
                            plan.FileModes.Add(t);
                        }
                    }
                    else
                    {
                        if (c is not null && c.Type == EntryType.Directory)
                        {
                            deletes.Add(t.Raw);
                        }

                        plan.Files.Add(t);
                        if (c is null)
                        {
                            plan.Absent.Add(t);
                        }
                    }

                    break;
                case EntryType.Symlink:
                    if (c is null || c.Type != EntryType.Symlink || c.RawTarget != t.RawTarget)
                    {
                        if (c is not null && c.Type == EntryType.Directory)
                        {
                            deletes.Add(t.Raw);
                        }

                        plan.Symlinks.Add(t);
                    }

                    break;
            }
        }

        // Removing a directory removes its subtree, so only top-most deletions are kept.
        foreach (string path in deletes)
        {
            bool covered = false;
            string parent = RawName.Split(path).Parent;
            while (parent.Length > 0 && !covered)
            {
                covered = deletes.Contains(parent);
                parent = RawName.Split(parent).Parent;
            }

            if (!covered)
            {
                plan.Deletes.Add(path);
            }
        }

        return plan;
    }

    public IEnumerable<RestoreAction> Actions()
    {
        foreach (string d in Deletes)
        {
            yield return Action(d, "delete");
        }

        foreach (ManifestEntry e in Mkdirs)
        {
            yield return Action(e.Raw, "mkdir");
        }

        foreach (ManifestEntry e in Files)
        {
            yield return Action(e.Raw, "write");
        }

        foreach (ManifestEntry e in Symlinks)
        {
            yield return Action(e.Raw, "symlink");
        }

        foreach (ManifestEntry e in FileModes.Concat(DirectoryModes))
        {
            yield return Action(e.Raw, "chmod");
        }
    }

    /// <summary>Where a raw path of this root is, as one unambiguous line: the absolute path in display form.</summary>
    public string Where(string raw) => Where(Directory, raw);

    /// <summary>The absolute display path of <paramref name="raw"/> (relative, raw) under <paramref name="directory"/>.</summary>
    public static string Where(string directory, string raw) =>
        raw.Length == 0 ? directory : System.IO.Path.Join(directory, RawName.ToDisplay(raw));

    private RestoreAction Action(string raw, string action) =>
        new() { Root = Root, Path = raw.Length == 0 ? "." : RawName.ToDisplay(raw), Directory = Directory, Action = action };
}
