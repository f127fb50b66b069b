using System.Globalization;
using System.Runtime.Versioning;
using Nono.Core.Capabilities;
using Nono.Core.Diagnostics;
using Nono.Core.Sandbox.Interop;
using FileStatus = Nono.Core.Snapshots.Native.FileStatus;
using Fs = Nono.Core.Snapshots.Native.Fs;
using RawName = Nono.Core.Snapshots.Native.RawName;
using SafeFd = Nono.Core.Snapshots.Native.SafeFd;

namespace Nono.Core.Sandbox;

public static partial class SandboxPlanner
{
    /// <summary>
    /// Denies are matched by path, Landlock grants by place in the tree: another hard link to a denied or deny_write file
    /// (made before the run; the command cannot make one, REFER needs the right on both sides) is read, and for deny_write
    /// written, through the grant it lies below (in pidns through its writable mount). Unlike a carved grant's listed
    /// siblings, such a name can be anywhere below a grant, and finding it would mean walking every one. So a denied or
    /// deny_write file with more than one link, or a deny_write directory holding one (walked as <see cref="DeniedLinks"/>
    /// walks denied trees, bounded; an incomplete walk counts as a link), refuses the run when a grant (for deny_write, a
    /// writable one) reaches its file system (the grant's own device or a mount below it; links cannot cross devices),
    /// unless <c>--allow-weaker linked-denies</c>. The trees of full denies are not walked (their size is unbounded: browser
    /// profiles, nono's own state); only their carved siblings are checked (<see cref="WithholdLinkedSiblings"/>).
    /// Costs one statx per deny path when nothing has a second link.
    /// </summary>
    [SupportedOSPlatform("linux")]
    private static void RefuseLinkedDenies(IReadOnlyList<FsDeny> denies, IReadOnlyList<FsGrant> grants, CarveBook book, IReadOnlyList<HostMount> mounts,
        Action<bool, WeakerMode, string> require, EnforcementOptions options, List<string> notes)
    {
        Dictionary<ulong, string>? writable = null;
        Dictionary<ulong, string>? granted = null;
        HashSet<ulong>? writableDevices = null;
        SafeFd? root = null;
        List<(string Problem, string Note)> found = [];
        try
        {
            foreach (FsDeny deny in denies)
            {
                root ??= Fs.OpenRootForLookup();
                if (!Fs.TryStatAt(root, RawName.FromString(deny.Path.TrimStart('/')), out FileStatus status, out int errno))
                {
                    if (errno is (int)Snapshots.Native.Interop.Errno.ENOENT or (int)Snapshots.Native.Interop.Errno.ENOTDIR)
                    {
                        continue; // nothing there
                    }

                    throw Fs.Error("statx", deny.Path, errno);
                }

                if (status.IsSymlink || (status.IsDirectory ? !deny.WriteOnly : status.LinkCount < 2))
                {
                    continue;
                }

                Dictionary<ulong, string> reached = deny.WriteOnly
                    ? writable ??= ReachedDevices(grants, book, mounts, writableOnly: true)
                    : granted ??= ReachedDevices(grants, book, mounts, writableOnly: false);
                string? linked = null;
                string? incomplete = null;
                if (status.IsDirectory)
                {
                    DeniedLinks links = DeniedLinks.Scan([deny.Path], new Dictionary<string, FileIdentity>(), writableDevices ??= [.. reached.Keys]);
                    incomplete = links.Incomplete;
                    linked = links.FirstLinked;
                }
                else if (reached.ContainsKey(status.Device) && (deny.WriteOnly || status.LinkCount - 1 > WithheldNames(book, grants, new FileIdentity(status.Device, status.Inode))))
                {
                    linked = deny.Path; // (a full deny's other names all withheld as carved siblings are no way in)
                }

                if ((incomplete is null && linked is null) || reached.Count == 0)
                {
                    continue;
                }

                string kind = deny.WriteOnly ? "deny_write" : "deny";
                string grant = reached.TryGetValue(status.Device, out string? g) ? g : reached.Values.First();
                found.Add((incomplete is not null
                    ? $"{kind} {deny.Path} [{deny.Source}] could not be checked for hard-linked files ({incomplete}), and the writable grant {grant} is on its file system"
                    : $"{kind} {linked} [{deny.Source}] has more than one hard link, and the {(deny.WriteOnly ? "writable " : "")}grant {grant} is on its file system: "
                        + $"the command could {(deny.WriteOnly ? "write" : "read")} it through another name there (remove the other links)",
                    $"{WeakerModes.Name(WeakerMode.LinkedDenies)}: {kind} {linked ?? deny.Path} may be {(deny.WriteOnly ? "writable" : "readable")} through another hard link inside a grant"));
            }
        }
        catch (NonoException ex)
        {
            require(false, WeakerMode.LinkedDenies, $"cannot check the denied paths for hard links: {ex.Message}");
            return;
        }
        finally
        {
            root?.Dispose();
        }

        if (found.Count == 0)
        {
            return;
        }

        // One refusal (the opt-in is reported once), naming the first file; each one is a note under the opt-in.
        require(false, WeakerMode.LinkedDenies, found.Count == 1 ? found[0].Problem : $"{found[0].Problem} (and {found.Count - 1} more)");
        if (options.AllowedWeakerModes.Contains(WeakerMode.LinkedDenies))
        {
            foreach ((_, string note) in found)
            {
                notes.Add(note);
            }
        }
    }

    /// <summary>The carved siblings that are <paramref name="identity"/> and were withheld (<see cref="WithholdLinkedSiblings"/>).</summary>
    private static int WithheldNames(CarveBook book, IReadOnlyList<FsGrant> grants, FileIdentity identity)
    {
        int names = 0;
        foreach ((FsGrant sibling, FileIdentity linked) in book.Linked)
        {
            if (linked == identity && !grants.Contains(sibling, ReferenceEqualityComparer.Instance))
            {
                names++;
            }
        }

        return names;
    }

    /// <summary>
    /// The devices the grants (or only the writable ones) reach, each with the first grant that reaches it: a grant's
    /// own (a listed sibling's is its directory's) and every mount visible at or below it.
    /// </summary>
    [SupportedOSPlatform("linux")]
    private static Dictionary<ulong, string> ReachedDevices(IReadOnlyList<FsGrant> grants, CarveBook book, IReadOnlyList<HostMount> mounts, bool writableOnly)
    {
        Dictionary<ulong, string> devices = [];
        foreach (FsGrant grant in grants)
        {
            if (writableOnly && (grant.Access & FsAccess.Write) == 0)
            {
                continue;
            }

            if (book.Listed.TryGetValue(grant, out CarvedDirectory? listedIn))
            {
                devices.TryAdd(listedIn.Identity.Device, grant.Path);
            }
            else if (Interop.Interop.TryGetIdentity(grant.Path, out FileIdentity identity))
            {
                devices.TryAdd(identity.Device, grant.Path);
            }

            foreach (HostMount mount in mounts)
            {
                if (SandboxPath.IsSameOrAncestor(grant.Path, mount.MountPoint) && MountDevice(mount.Device) is ulong device
                    && !devices.ContainsKey(device) && ReferenceEquals(HostMount.VisibleAt(mounts, mount.MountPoint), mount))
                {
                    devices.Add(device, grant.Path);
                }
            }
        }

        return devices;
    }

    /// <summary>mountinfo's <c>major:minor</c> in the form statx identities use, or null if it is not one.</summary>
    private static ulong? MountDevice(string device)
    {
        int colon = device.IndexOf(':', StringComparison.Ordinal);
        return colon > 0
            && uint.TryParse(device.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out uint major)
            && uint.TryParse(device.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out uint minor)
            ? ((ulong)major << 32) | minor
            : null;
    }
}
