using System.Runtime.Versioning;
using Nono.Core.Capabilities;
using Nono.Core.Policy;

namespace Nono.Action.Commands;

/// <summary>
/// Which writable grants a rollback snapshots: the working directory and the directories granted write
/// access on the command line or through <c>NONO_ALLOW</c>. Writable grants that come from groups (caches,
/// the private temp folder, /dev) are not the user's work and would make every snapshot slow.
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
            bool writable = (grant.Access & FsAccess.Write) != 0 && !grant.IsFile;
            bool chosen = PolicyPath.IsWithin(grant.Path, workdir)
                || grant.Source.StartsWith('-')
                || grant.Source.StartsWith("NONO_", StringComparison.Ordinal);
            if (writable && chosen && !PolicyPath.IsWithin(grant.Path, invocation.Temp.Path) && !roots.Any(r => PolicyPath.IsWithin(grant.Path, r)))
            {
                roots.RemoveAll(r => PolicyPath.IsWithin(r, grant.Path));
                roots.Add(grant.Path);
            }
        }

        return roots;
    }
}
