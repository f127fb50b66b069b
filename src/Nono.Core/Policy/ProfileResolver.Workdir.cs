using Nono.Core.Capabilities;

namespace Nono.Core.Policy;

public sealed partial class ProfileResolver
{
    /// <summary>
    /// Adds the working-directory grant, unless the working directory is <c>/</c>, <c>$HOME</c> or a parent of it: a
    /// grant there would hand the whole home (shell start-up files, keys, other projects) to the command just because
    /// nono was started from there. Such a directory is a problem, unless an explicit option (<c>--allow</c>,
    /// <c>--read</c>, ...) of exactly that path decides its access instead.
    /// </summary>
    private static void AddWorkdirGrant(string workdir, WorkdirAccess access, PolicyContext context, PolicyOverrides overrides, string profileOrigin, FilesystemRules rules, List<PolicyProblem> problems)
    {
        if (access == WorkdirAccess.None)
        {
            return;
        }

        string source = overrides.AllowCwd ? "--allow-cwd" : "workdir";
        if (!IsHomeOrAbove(workdir, context, rules.Paths))
        {
            rules.AddGrant(workdir, ToFsAccess(access), isFile: false, source);
            return;
        }

        HashSet<string> explicitSources = overrides.Paths.Select(o => o.Source).ToHashSet(StringComparer.Ordinal);
        if (!rules.HasGrant(workdir, explicitSources))
        {
            (string origin, string path) = overrides.AllowCwd ? ("--allow-cwd", "") : (profileOrigin, "$.workdir.access");
            problems.Add(new PolicyProblem(origin, path,
                $"refusing to grant the working directory {workdir}: it is /, $HOME or a parent of $HOME (start in a project directory, or grant it explicitly with --allow or --read)"));
        }
    }

    private static bool IsHomeOrAbove(string workdir, PolicyContext context, PathLookups lookups)
    {
        if (workdir == "/")
        {
            return true;
        }

        try
        {
            return PolicyPath.IsWithin(PolicyPath.Canonicalize(context.Home, lookups), workdir) || PolicyPath.IsWithin(context.Home, workdir);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return PolicyPath.IsWithin(context.Home, workdir);
        }
    }
}
