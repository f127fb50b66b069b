using Nono.Core.Diagnostics;
using Nono.Core.Sandbox.Interop;

namespace Nono.Core.Sandbox;

/// <summary>
/// Opens the directories a plan listed while carving, when the ruleset is built: the grant by its path, then each
/// directory on the way as one entry of the one above it (O_PATH|O_DIRECTORY|O_NOFOLLOW), each checked against the
/// inode the plan listed (the grant resolved beneath <c>root</c>, the builder's one open of "/"). The listed siblings
/// are then opened by name in these descriptors, so no link and no renamed directory between the grant and a sibling
/// can move a rule elsewhere.
/// A directory on the way that is gone, a link, or another inode than the one listed refuses the run instead of
/// skipping its siblings: the plan no longer describes the tree, something inside the grant changed it while nono was
/// starting (a directory swapped for a link would otherwise point the rules anywhere), and dropping every sibling
/// below it would run the command with less access than the policy states without saying so. The window is the few
/// milliseconds between the plan and the ruleset; running again plans afresh.
/// The inode comparison is a consistency check, not the containment: an inode freed and reused can pass it. What keeps
/// every rule inside the grant is the walk itself, one O_NOFOLLOW open per level from the grant's descriptor.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class CarvedDirectoryWalk(Snapshots.Native.SafeFd root) : IDisposable
{
    private readonly Dictionary<CarvedDirectory, SafeFdHandle> _open = new(ReferenceEqualityComparer.Instance);

    /// <summary>The descriptor of <paramref name="directory"/>, opened once; throws when it changed since the plan.</summary>
    public SafeFdHandle Open(CarvedDirectory directory)
    {
        if (_open.TryGetValue(directory, out SafeFdHandle? open))
        {
            return open;
        }

        // The grant is opened by its path without following a link in any component (it is canonical: a link there
        // now was swapped in since); each level below it by name.
        SafeFdHandle? parent = directory.Parent is null ? null : Open(directory.Parent);
        int errno;
        SafeFdHandle? opened = parent is null
            ? Interop.Interop.TryOpenWithoutLinks(root, directory.Path, out _, out errno)
            : Interop.Interop.TryOpenNoFollow(parent, directory.Name, isDirectory: true, out errno);
        SafeFdHandle fd = opened ?? throw Changed(directory, errno switch
        {
            (int)Interop.Interop.Errno.ENOENT => "it is gone",
            (int)Interop.Interop.Errno.ENOTDIR or (int)Interop.Interop.Errno.ELOOP => "it is no longer a directory: a symbolic link or a file",
            _ => $"it cannot be opened: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)}",
        });
        try
        {
            if (Interop.Interop.IdentityOf(fd, directory.Path) != directory.Identity)
            {
                throw Changed(directory, "another directory was moved onto its name");
            }
        }
        catch
        {
            fd.Dispose();
            throw;
        }

        _open.Add(directory, fd);
        return fd;
    }

    public void Dispose()
    {
        foreach (SafeFdHandle fd in _open.Values)
        {
            fd.Dispose();
        }

        _open.Clear();
    }

    private static NonoException Changed(CarvedDirectory directory, string what) => new(
        NonoErrorCode.SandboxSetupFailed,
        $"{directory.Path} changed after it was listed to carve a deny out of a grant ({what}); refusing to run, the carved rules would not land where the plan put them",
        directory.Path);
}
