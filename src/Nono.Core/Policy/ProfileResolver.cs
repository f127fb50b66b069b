using Nono.Core.Capabilities;
using Nono.Core.Diagnostics;

namespace Nono.Core.Policy;

/// <summary>
/// Resolves a profile (with its <c>extends</c> chain, groups and overrides) against a <see cref="PolicyContext"/>
/// into a <see cref="ResolvedPolicy"/>. Every problem is collected; a policy is only returned when there are none.
/// </summary>
public sealed partial class ProfileResolver
{
    /// <summary>The deepest <c>extends</c> chain accepted.</summary>
    public const int MaxExtendsDepth = 8;

    /// <summary>Source label of the deny that protects Nono's own state directory.</summary>
    public const string StateDirectorySource = "nono_state";

    /// <summary>Source label of the deny that protects Nono's user configuration and profiles.</summary>
    public const string ConfigDirectorySource = "nono_config";

    private readonly IPolicyCatalog _catalog;

    /// <summary>Creates a resolver over a catalog of profiles and groups.</summary>
    public ProfileResolver(IPolicyCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        _catalog = catalog;
    }

    /// <summary>Resolves <paramref name="profile"/> (a name or a path). Problems are returned, not thrown.</summary>
    public PolicyResolution Resolve(string profile, PolicyContext context, PolicyOverrides? overrides = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(profile);
        ArgumentNullException.ThrowIfNull(context);
        overrides ??= PolicyOverrides.None;
        List<PolicyProblem> problems = [];
        List<LoadedProfile> chain = [];
        Profile? merged = Load(profile, null, "request", JsonPathText.Root, [], chain, problems);
        if (merged is null)
        {
            return new PolicyResolution(null, Ordered(problems));
        }

        List<string> groups = ProfileMerger.Union(_catalog.MandatoryGroups, merged.Security.Groups).ToList();
        CheckProfiles(chain, context, problems);
        FilesystemRules rules = CollectRules(chain, groups, context, overrides, problems);
        WorkdirAccess workdirAccess = overrides.AllowCwd ? WorkdirAccess.ReadWrite : merged.Workdir.Access ?? WorkdirAccess.None;
        string workdir = CanonicalOrProblem(context.Workdir, "context", "$.workdir", rules.Paths, problems) ?? context.Workdir;
        AddWorkdirGrant(workdir, workdirAccess, context, overrides, WorkdirOrigin(chain), rules, problems);
        if (problems.Count > 0)
        {
            return new PolicyResolution(null, Ordered(problems));
        }

        CapabilitySet capabilities = new()
        {
            Grants = rules.FinalGrants(),
            Denies = rules.Denies,
            Network = NetworkModeOf(merged.Network, overrides),
            AllowUnixSockets = merged.Network.AllowUnixSockets ?? false,
        };
        ResolvedPolicy policy = new()
        {
            ProfileName = chain[^1].Name,
            Chain = chain.Select(p => p.Name).ToList(),
            Groups = groups,
            Profile = merged,
            Capabilities = capabilities,
            DenyPatterns = rules.DenyPatterns,
            Workdir = workdir,
            WorkdirAccess = workdirAccess,
            Environment = merged.Environment,
            Network = merged.Network,
            Rollback = merged.Rollback,
            ProtectedPaths = ExpandProtectedPaths(merged.Rollback, context, rules.Paths),
            Skipped = rules.Skipped,
            Digest = "",
        };
        return new PolicyResolution(policy with { Digest = PolicyDigest.Compute(policy) }, []);
    }

    /// <summary>Resolves like <see cref="Resolve"/> but throws <see cref="NonoException"/> (<see cref="NonoErrorCode.InvalidPolicy"/>) naming the first problem and the count.</summary>
    public ResolvedPolicy ResolveOrThrow(string profile, PolicyContext context, PolicyOverrides? overrides = null)
    {
        PolicyResolution resolution = Resolve(profile, context, overrides);
        if (resolution.Succeeded)
        {
            return resolution.Policy;
        }

        PolicyProblem first = resolution.Problems[0];
        string more = resolution.Problems.Count > 1 ? $" (and {resolution.Problems.Count - 1} more problem(s); run 'nono profile validate')" : "";
        throw new NonoException(NonoErrorCode.InvalidPolicy, $"invalid profile: {first}{more}", path: first.Origin);
    }

    private Profile? Load(string nameOrPath, string? baseDirectory, string referrer, string jsonPath, List<ProfileSource> stack, List<LoadedProfile> chain, List<PolicyProblem> problems)
    {
        ProfileSource? source = _catalog.FindProfile(nameOrPath, baseDirectory);
        if (source is null)
        {
            problems.Add(new PolicyProblem(referrer, jsonPath, $"unknown profile '{nameOrPath}'"));
            return null;
        }

        if (stack.Any(s => s.Origin == source.Origin))
        {
            string cycle = string.Join(" -> ", stack.SkipWhile(s => s.Origin != source.Origin).Select(s => s.Name).Append(source.Name));
            problems.Add(new PolicyProblem(referrer, jsonPath, $"extends cycle: {cycle}"));
            return null;
        }

        if (stack.Count >= MaxExtendsDepth)
        {
            string path = string.Join(" -> ", stack.Select(s => s.Name).Append(source.Name));
            problems.Add(new PolicyProblem(referrer, jsonPath, $"extends chain deeper than {MaxExtendsDepth}: {path}"));
            return null;
        }

        ParsedProfile parsed = source.Embedded ? ProfileParser.ParseEmbeddedProfile(source.Json, source.Origin) : ProfileParser.ParseProfile(source.Json, source.Origin);
        problems.AddRange(parsed.Problems);
        stack.Add(source);
        Profile merged = new();
        for (int i = 0; i < parsed.Profile.Extends.Count; i++)
        {
            string basePath = JsonPathText.Index(JsonPathText.Property(JsonPathText.Root, "extends"), i);
            Profile? parent = Load(parsed.Profile.Extends[i], source.Directory, source.Origin, basePath, stack, chain, problems);
            if (parent is not null)
            {
                merged = ProfileMerger.Merge(merged, parent);
            }
        }

        stack.RemoveAt(stack.Count - 1);
        if (!chain.Any(p => p.Origin == source.Origin))
        {
            chain.Add(new LoadedProfile(source.Name, source.Origin, parsed.Profile));
        }

        return ProfileMerger.Merge(merged, parsed.Profile);
    }

    private static List<string> ExpandProtectedPaths(RollbackSection rollback, PolicyContext context, PathLookups lookups)
    {
        List<string> result = [];
        foreach (string raw in rollback.ProtectedPaths)
        {
            // Already validated by CheckProfiles; a failure here cannot happen without a problem being reported.
            if (PathExpander.TryExpand(RelativeToWorkdir(raw, context), context, out string expanded, out _))
            {
                string canonical = PolicyPath.Canonicalize(expanded, lookups);
                if (!result.Contains(canonical, StringComparer.Ordinal))
                {
                    result.Add(canonical);
                }
            }
        }

        return result;
    }

    /// <summary>Groups problems by origin (in order of first appearance), then by JSON path with indices compared as numbers.</summary>
    private static List<PolicyProblem> Ordered(List<PolicyProblem> problems)
    {
        List<string> origins = problems.Select(p => p.Origin).Distinct(StringComparer.Ordinal).ToList();
        return problems
            .Select((p, i) => (Problem: p, Index: i))
            .OrderBy(x => origins.IndexOf(x.Problem.Origin))
            .ThenBy(x => x.Problem.JsonPath, JsonPathComparer.Instance)
            .ThenBy(x => x.Index)
            .Select(x => x.Problem)
            .ToList();
    }

    private static NetworkMode NetworkModeOf(NetworkSection network, PolicyOverrides overrides)
    {
        if (overrides.BlockNetwork || network.Block == true)
        {
            return NetworkMode.Block;
        }

        bool proxied = network.AllowDomain.Count > 0 || network.Credentials.Count > 0
            || network.CustomCredentials.Count > 0 || network.NetworkProfile is not null;
        return proxied ? NetworkMode.Proxy : NetworkMode.Allow;
    }

    /// <summary>The last profile of the chain that set the working-directory access.</summary>
    private static string WorkdirOrigin(List<LoadedProfile> chain) =>
        chain.LastOrDefault(p => p.Profile.Workdir.Access is not null)?.Origin ?? chain[^1].Origin;

    private static FsAccess ToFsAccess(WorkdirAccess access) => access switch
    {
        WorkdirAccess.Read => FsAccess.Read,
        WorkdirAccess.Write => FsAccess.Write,
        WorkdirAccess.ReadWrite => FsAccess.ReadWrite,
        _ => FsAccess.None,
    };

    private sealed record LoadedProfile(string Name, string Origin, Profile Profile);
}
