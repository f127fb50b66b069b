using Nono.Core.Capabilities;
using Nono.Core.Diagnostics;
using Nono.Core.Sandbox.Interop;
using FileStatus = Nono.Core.Snapshots.Native.FileStatus;
using Fs = Nono.Core.Snapshots.Native.Fs;
using Native = Nono.Core.Snapshots.Native.Interop;
using RawName = Nono.Core.Snapshots.Native.RawName;
using SafeFd = Nono.Core.Snapshots.Native.SafeFd;

namespace Nono.Core.Sandbox;

public static partial class SandboxPlanner
{
    /// <summary>
    /// Landlock can only add rights, never subtract. A deny equal to or above a grant removes the grant; a deny
    /// strictly inside a directory grant replaces the grant by grants on every sibling along the way from the
    /// grant down to the deny. The directories on that way get no rule of their own, so nothing can be listed,
    /// created, removed or renamed directly in them. The sibling grants are recorded in <paramref name="book"/>: what a
    /// listing found may be gone or replaced by the time the ruleset is built, and is opened accordingly; each deny
    /// carved, or that removes a listed sibling, is added to <paramref name="carved"/>, so the builder can keep its inode
    /// (and the files inside it) out of the sibling rules.
    /// </summary>
    private static List<FsGrant> ApplyDenies(CapabilitySet capabilities, IReadOnlyList<FsDeny> denies, CarveBook book, List<string> carved, List<string> notes, List<string> problems)
    {
        // Every deny meets every grant, and a carved grant leaves thousands of siblings: both sides are compared by
        // their normalised path (one ordinal prefix test), and the list is edited in place where a deny touches it.
        List<(FsGrant Grant, string Key)> grants = new(capabilities.Grants.Count);
        foreach (FsGrant grant in capabilities.Grants)
        {
            grants.Add((grant, SandboxPath.Normalize(grant.Path)));
        }

        // One pass per deny is enough: every grant that contains the deny is replaced by siblings that do not,
        // and grants produced for a later deny lie inside grants that no longer contain an earlier one. Deny_writes
        // go first: the read grants they leave are then carved by every full deny like any other grant.
        foreach (FsDeny deny in denies.Where(d => d.WriteOnly).Concat(denies.Where(d => !d.WriteOnly)))
        {
            string denyKey = SandboxPath.Normalize(deny.Path);
            if (deny.WriteOnly)
            {
                ApplyDenyWrite(deny, denyKey, grants, book, notes, problems);
                continue;
            }

            bool carvedThisDeny = false;
            int i = 0;
            while (i < grants.Count)
            {
                (FsGrant grant, string key) = grants[i];
                if (SandboxPath.IsSameOrAncestorNormalized(denyKey, key))
                {
                    notes.Add($"grant {grant.Path} [{grant.Source}] removed: deny {deny.Path} [{deny.Source}] covers it");
                    grants.RemoveAt(i);

                    // A deny that removes a listed sibling lies inside a carved grant as much as the one that carved
                    // it (~/.ssh once the state directory has carved ~): its inode and tree are kept out of the rules too.
                    if (!carvedThisDeny && book.Listed.ContainsKey(grant))
                    {
                        carved.Add(deny.Path);
                        carvedThisDeny = true;
                    }
                }
                else if (!grant.IsFile && SandboxPath.IsSameOrAncestorNormalized(key, denyKey))
                {
                    List<FsGrant> siblings = Expand(grant, deny, book, notes, problems);
                    grants.RemoveAt(i);
                    (FsGrant, string)[] keyed = new (FsGrant, string)[siblings.Count];
                    for (int k = 0; k < keyed.Length; k++)
                    {
                        keyed[k] = (siblings[k], SandboxPath.Normalize(siblings[k].Path));
                    }

                    grants.InsertRange(i, keyed);
                    if (!carvedThisDeny)
                    {
                        carved.Add(deny.Path);
                        carvedThisDeny = true;
                    }

                    i += siblings.Count; // in place of the grant, already clear of this deny
                }
                else
                {
                    i++;
                }
            }
        }

        List<FsGrant> result = new(grants.Count);
        foreach ((FsGrant grant, _) in grants)
        {
            result.Add(grant);
        }

        return result;
    }

    /// <summary>
    /// Lists every directory on the way from <paramref name="grant"/> down to <paramref name="deny"/>, each opened as an
    /// entry of the one above without following a link (the grant by its canonical path), and returns the entries
    /// except the one on the way. A directory on the way that is gone, a link or not a directory ends the walk: nothing
    /// below it is granted. What was listed is recorded in <paramref name="book"/> (the builder reaches each entry
    /// through the same directories and checks their inodes), with the non-directories that have more than one hard link.
    /// </summary>
    private static List<FsGrant> Expand(FsGrant grant, FsDeny deny, CarveBook book, List<string> notes, List<string> problems)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("carving needs Linux");
        }

        List<FsGrant> result = [];
        string source = $"{grant.Source}, carved around deny {deny.Path}";
        string[] below = SandboxPath.Components(deny.Path)[SandboxPath.Components(grant.Path).Length..];
        List<string> expanded = [];
        SafeFd? current = null;
        try
        {
            CarvedDirectory? directory = null;
            foreach (string component in below)
            {
                if (directory is null)
                {
                    // A grant that was itself listed (carved for an earlier deny) stays reached through that listing;
                    // the builder checks each level's inode, wherever the plan's open of it by path led.
                    try
                    {
                        current = Fs.OpenDirectory(grant.Path);
                    }
                    catch (NonoException ex) when (ex.Errno is (int)Native.Errno.ENOENT or (int)Native.Errno.ENOTDIR or (int)Native.Errno.ELOOP)
                    {
                        break; // gone or no longer a directory since it was resolved: as below, nothing of it is granted
                    }

                    directory = new CarvedDirectory(grant.Path, book.Listed.GetValueOrDefault(grant), Identity(current));
                }

                expanded.Add(directory.Path);
                List<ListedEntry> entries = DirectoryListing.Read(current!, directory.Path);

                // Every full name starts with the same "current/", so ordering by it orders by name.
                entries.Sort((x, y) => string.CompareOrdinal(x.FullName, y.FullName));
                string onTheWay = Path.Join(directory.Path, component);
                foreach ((string fullName, bool isDirectory, FileIdentity? multiplyLinked) in entries)
                {
                    if (!string.Equals(fullName, onTheWay, StringComparison.Ordinal))
                    {
                        FsGrant sibling = new(fullName, grant.Access, !isDirectory, source);
                        result.Add(sibling);
                        book.Listed[sibling] = directory;
                        if (multiplyLinked is FileIdentity identity)
                        {
                            book.Linked[sibling] = identity;
                        }
                    }
                }

                if (expanded.Count == below.Length)
                {
                    break; // the deny's parent is listed; the deny itself is not entered
                }

                SafeFd? next = Fs.TryOpenAt(current!, RawName.FromString(component), Native.O_RDONLY | Native.O_DIRECTORY | Native.O_NOFOLLOW, 0, out int errno);
                if (next is null)
                {
                    if (errno is (int)Native.Errno.ENOENT or (int)Native.Errno.ENOTDIR or (int)Native.Errno.ELOOP)
                    {
                        break; // gone, a link or a file: nothing below it to grant
                    }

                    throw Fs.Error("openat", onTheWay, errno);
                }

                current!.Dispose();
                current = next;
                directory = new CarvedDirectory(onTheWay, directory, Identity(current));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NonoException)
        {
            problems.Add($"cannot list {expanded.LastOrDefault() ?? grant.Path} to carve deny {deny.Path} out of grant {grant.Path}: {ex.Message}");
            return result;
        }
        finally
        {
            current?.Dispose();
        }

        if (expanded.Count == 0)
        {
            return result;
        }

        notes.Add($"deny {deny.Path} [{deny.Source}] carved out of grant {grant.Path}: no entry can be listed, created, removed or renamed directly in {string.Join(", ", expanded)}");
        return result;
    }

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static FileIdentity Identity(SafeFd directory)
    {
        FileStatus status = Fs.Stat(directory);
        return new FileIdentity(status.Device, status.Inode);
    }
}
