using System.Runtime.Versioning;
using Nono.Core.Capabilities;
using Nono.Core.Policy;
using Nono.Core.Snapshots;

namespace Nono.Action.Commands;

/// <summary>
/// Which writable grants a rollback snapshots: the working directory, the directories granted write
/// access on the command line or through <c>NONO_ALLOW</c>, and the regular files granted write access
/// there or by the profile itself (<c>--allow-file</c>, <c>--write-file</c>, a profile's <c>allow_file</c>
/// / <c>write_file</c>), each as a single-file root. Writable grants that come from groups (caches, the
/// private temp folder, /dev) are not the user's work and would make every snapshot slow; a file grant
/// that is not an existing regular file (a device such as /dev/tty, or a file not created yet) is left out.
/// </summary>
internal static class SnapshotRoots
{
    [SupportedOSPlatform("linux")]
    public static IReadOnlyList<string> For(SandboxInvocation invocation)
    {
        string workdir = invocation.Spec.WorkingDirectory;
        List<string> roots = [];
        foreach (FsGrant grant in invocation.Policy.Capabilities.Grants)
        {
            bool writable = (grant.Access & FsAccess.Write) != 0 && (!grant.IsFile || SnapshotSession.CanBeRoot(grant.Path));
            bool chosen = PolicyPath.IsWithin(grant.Path, workdir)
                || grant.Source.StartsWith('-')
                || grant.Source.StartsWith("NONO_", StringComparison.Ordinal)
                || (grant.IsFile && grant.Source.Split(", ").Any(s => s.StartsWith("profile:", StringComparison.Ordinal)));
            if (writable && chosen && !PolicyPath.IsWithin(grant.Path, invocation.Temp.Path) && !roots.Any(r => PolicyPath.IsWithin(grant.Path, r)))
            {
                roots.RemoveAll(r => PolicyPath.IsWithin(r, grant.Path));
                roots.Add(grant.Path);
            }
        }

        return roots;
    }
}
