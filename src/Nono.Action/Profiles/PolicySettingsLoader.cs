using Microsoft.Extensions.Configuration;
using Nono.Core.Capabilities;
using Nono.Core.Diagnostics;
using Nono.Core.Policy;

namespace Nono.Action.Profiles;

/// <summary>
/// Layers policy settings through Microsoft.Extensions.Configuration, lowest first:
/// built-in defaults (profile "default") &lt; user profiles (a user profile named like a built-in replaces it when
/// the name is resolved) &lt; the project profile <c>.nono/profile.json</c> in the working directory &lt; the environment
/// (<c>NONO_PROFILE</c>, <c>NONO_BLOCK_NET</c>, <c>NONO_ALLOW</c>) &lt; the command line. Scalars take the highest layer;
/// extra grants from <c>NONO_ALLOW</c> and the command line add up.
/// In GitHub Actions (<c>GITHUB_ACTIONS=true</c>) the project profile comes from the checked-out code, which a pull
/// request or an earlier sandboxed step controls, so it is ignored (and the reason reported in
/// <see cref="PolicySettings.Notes"/>) unless <c>NONO_TRUST_PROJECT_PROFILE=true</c> opts in. Elsewhere it is used only
/// when pinned with <c>nono profile trust</c> (see <see cref="ProjectProfileGate"/>).
/// </summary>
internal static class PolicySettingsLoader
{
    /// <summary>The project profile, relative to the working directory.</summary>
    public const string ProjectProfilePath = ".nono/profile.json";

    private const string ProfileKey = "profile";
    private const string BlockNetKey = "block_net";
    private const string AllowCwdKey = "allow_cwd";

    public static PolicySettings Load(IReadOnlyDictionary<string, string> environment, string workdir, CliPolicyArgs cli) =>
        Load(environment, workdir, cli, () => PolicyContextFactory.Create(environment, workdir).StateDirectory);

    /// <summary>The same for a context already built, so the trust pins' directory is not looked up a second time.</summary>
    public static PolicySettings Load(PolicyContext context, CliPolicyArgs cli) =>
        Load(context.Environment, context.Workdir, cli, () => context.StateDirectory);

    private static PolicySettings Load(IReadOnlyDictionary<string, string> environment, string workdir, CliPolicyArgs cli, Func<string> stateDirectory)
    {
        string project = Path.Combine(workdir, ProjectProfilePath);
        List<string> notes = [];
        bool inActions = IsTrue(environment, "GITHUB_ACTIONS");
        bool useProject = File.Exists(project)
            || (!inActions && ProjectProfileTrust.IsPinned(stateDirectory(), project)); // deleted: refused by the gate
        if (useProject && inActions && !IsTrue(environment, "NONO_TRUST_PROJECT_PROFILE"))
        {
            useProject = false;
            notes.Add($"ignored {project}: in GitHub Actions the workspace is untrusted input; set NONO_TRUST_PROJECT_PROFILE=true to use it");
        }

        (string Name, Dictionary<string, string?> Values)[] layers =
        [
            ("builtin", new() { [ProfileKey] = "default", [BlockNetKey] = "false", [AllowCwdKey] = "false" }),
            ("project", useProject ? new() { [ProfileKey] = project } : []),
            ("environment", EnvironmentLayer(environment)),
            ("command line", new() { [ProfileKey] = cli.Profile, [BlockNetKey] = cli.BlockNetwork ? "true" : null, [AllowCwdKey] = cli.AllowCwd ? "true" : null }),
        ];

        ConfigurationBuilder builder = new();
        foreach ((string _, Dictionary<string, string?> values) in layers)
        {
            builder.AddInMemoryCollection(values.Where(v => v.Value is not null));
        }

        IConfigurationRoot config = builder.Build();
        string profile = config[ProfileKey] ?? "default";
        List<IConfigurationProvider> providers = config.Providers.ToList();
        int winner = providers.FindLastIndex(p => p.TryGet(ProfileKey, out _));
        string layer = winner >= 0 ? layers[winner].Name : "builtin";
        string? projectText = layer == "project" ? ProjectProfileGate.Read(project, inActions, stateDirectory) : null;

        List<PathOverride> paths = [];
        if (environment.TryGetValue("NONO_ALLOW", out string? allow))
        {
            paths.AddRange(allow.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(p => new PathOverride(p, FsAccess.ReadWrite, false, "NONO_ALLOW")));
        }

        paths.AddRange(cli.Allow.Select(p => new PathOverride(p, FsAccess.ReadWrite, false, "--allow")));
        paths.AddRange(cli.Read.Select(p => new PathOverride(p, FsAccess.Read, false, "--read")));
        paths.AddRange(cli.Write.Select(p => new PathOverride(p, FsAccess.Write, false, "--write")));
        paths.AddRange(cli.AllowFile.Select(p => new PathOverride(p, FsAccess.ReadWrite, true, "--allow-file")));
        paths.AddRange(cli.ReadFile.Select(p => new PathOverride(p, FsAccess.Read, true, "--read-file")));
        paths.AddRange(cli.WriteFile.Select(p => new PathOverride(p, FsAccess.Write, true, "--write-file")));

        PolicyOverrides overrides = new()
        {
            Paths = paths,
            BlockNetwork = ParseBool(config[BlockNetKey], "NONO_BLOCK_NET"),
            AllowCwd = ParseBool(config[AllowCwdKey], "--allow-cwd"),
        };
        return new PolicySettings(profile, layer, overrides) { Notes = notes, ProjectProfileText = projectText };
    }

    private static Dictionary<string, string?> EnvironmentLayer(IReadOnlyDictionary<string, string> environment)
    {
        Dictionary<string, string?> values = [];
        if (environment.TryGetValue("NONO_PROFILE", out string? profile) && profile.Length > 0)
        {
            values[ProfileKey] = profile;
        }

        if (environment.TryGetValue("NONO_BLOCK_NET", out string? block) && block.Length > 0)
        {
            values[BlockNetKey] = block;
        }

        return values;
    }

    private static bool IsTrue(IReadOnlyDictionary<string, string> environment, string name) =>
        environment.TryGetValue(name, out string? value) && ParseBool(value, name);

    private static bool ParseBool(string? value, string name) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "0" or "false" or "no" or "off" => false,
        "1" or "true" or "yes" or "on" => true,
        _ => throw new NonoException(NonoErrorCode.InvalidPolicy, $"{name} must be true or false, not '{value}'"),
    };
}
