using System.IO.Enumeration;
using Nono.Core.Capabilities;
using Nono.Core.Sandbox;

namespace Nono.Core.Policy;

/// <summary>Explains a <see cref="ResolvedPolicy"/>: whether an operation on a path is allowed and which rule decides.</summary>
public static partial class PolicyExplainer
{
    /// <summary>
    /// Decides <paramref name="operation"/> on <paramref name="path"/> (absolute; canonicalized here). Denies win;
    /// otherwise the access of every grant covering the path is combined, as the kernel does, after the carving of the
    /// denies and deny_writes inside those grants (see <c>SandboxPlanner.ApplyDenies</c>).
    /// </summary>
    public static Decision Why(ResolvedPolicy policy, string path, FsOperation operation)
    {
        ArgumentNullException.ThrowIfNull(policy);
        string canonical = PolicyPath.Canonicalize(path);
        // As the planner does: a deny also reaches its aliases through other mounts of its file system.
        // And a root command gets the root-only entries under the built-in /etc grants denied too.
        IReadOnlyList<FsDeny> denies = DenyAliases.With(
            [.. policy.Capabilities.Denies, .. SandboxPlanner.RootOnlyDeniesForThisUser(policy.Capabilities)],
            OperatingSystem.IsLinux() ? HostMount.ReadSelf() : []);
        FsDeny? deny = denies.FirstOrDefault(d => !d.WriteOnly && PolicyPath.IsWithin(canonical, d.Path))
            ?? policy.DenyPatterns.FirstOrDefault(d => MatchesPattern(canonical, d.Path));
        if (deny is not null)
        {
            string what = deny.Source == ProfileResolver.StateDirectorySource ? "nono's own state directory is never exposed"
                : deny.Source == "group:deny_credentials" ? "credential stores are always denied"
                : "deny rules win over grants";
            return new Decision(canonical, operation, false, DecidingRule.Deny, deny.Path, deny.Source, $"denied by {deny.Path} from {deny.Source}: {what}");
        }

        FsAccess wanted = operation switch
        {
            FsOperation.Read => FsAccess.Read,
            FsOperation.Write => FsAccess.Write,
            _ => FsAccess.ReadWrite,
        };
        List<FsGrant> covering = policy.Capabilities.Grants
            .Where(g => g.IsFile ? g.Path == canonical : PolicyPath.IsWithin(canonical, g.Path))
            .OrderByDescending(g => PolicyPath.Components(g.Path).Length)
            .ToList();
        if (covering.Count == 0)
        {
            return new Decision(canonical, operation, false, DecidingRule.None, null, null, "no grant covers this path; everything not granted is denied");
        }

        List<Carve> carves = [.. covering.Select(g => CarveOf(g, canonical, denies))];
        FsAccess combined = carves.Aggregate(FsAccess.None, (a, c) => a | c.Access);
        if ((combined & wanted) != wanted && carves.FirstOrDefault(c => c.Deny is not null && (c.Grant.Access & wanted) == wanted) is { Deny: FsDeny carver } carve)
        {
            return new Decision(canonical, operation, false, DecidingRule.Carved, carver.Path, carver.Source, CarveReason(carve, carver, wanted));
        }

        if ((combined & wanted) != wanted)
        {
            FsGrant closest = covering[0];
            return new Decision(canonical, operation, false, DecidingRule.InsufficientGrant, closest.Path, closest.Source,
                $"{Describe(closest)} from {closest.Source} gives {AccessText(combined)} only, not {AccessText(wanted)}");
        }

        // The most specific grant that contributes part of the wanted access decides.
        FsGrant decider = carves.First(c => (c.Access & wanted) != 0).Grant;
        return new Decision(canonical, operation, true, DecidingRule.Grant, decider.Path, decider.Source,
            $"allowed by {Describe(decider)} ({AccessText(decider.Access)}) from {decider.Source}");
    }

    private static bool MatchesPattern(string path, string pattern)
    {
        string? directory = Path.GetDirectoryName(pattern);
        string[] p = PolicyPath.Components(path);
        string[] d = directory is null ? [] : PolicyPath.Components(directory);
        if (p.Length <= d.Length || !PolicyPath.IsWithin(path, directory ?? "/"))
        {
            return false;
        }

        return FileSystemName.MatchesSimpleExpression(Path.GetFileName(pattern), p[d.Length], ignoreCase: false);
    }

    private static string Describe(FsGrant grant) => grant.IsFile ? $"file grant {grant.Path}" : $"grant of {grant.Path}";

    private static string AccessText(FsAccess access) => access switch
    {
        FsAccess.Read => "read",
        FsAccess.Write => "write",
        FsAccess.ReadWrite => "read+write",
        _ => "no access",
    };
}
