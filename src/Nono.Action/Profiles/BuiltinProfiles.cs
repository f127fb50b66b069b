using Nono.Core.Diagnostics;
using Nono.Core.Policy;

namespace Nono.Action.Profiles;

/// <summary>The built-in groups and profiles, embedded in the executable as JSON resources.</summary>
internal static class BuiltinProfiles
{
    public const string GroupsOrigin = "builtin:groups.json";

    private const string ProfilePrefix = "nono.profile.";

    private static readonly Lazy<IReadOnlyDictionary<string, string>> s_profiles = new(LoadProfiles);
    private static readonly Lazy<IReadOnlyDictionary<string, PolicyGroup>> s_groups = new(LoadGroups);

    /// <summary>Groups every resolution applies; no profile can drop them.</summary>
    public static IReadOnlyList<string> MandatoryGroups { get; } = ["deny_credentials"];

    /// <summary>Profile JSON texts by name.</summary>
    public static IReadOnlyDictionary<string, string> Profiles => s_profiles.Value;

    /// <summary>Groups by name.</summary>
    public static IReadOnlyDictionary<string, PolicyGroup> Groups => s_groups.Value;

    /// <summary>
    /// One built-in profile's JSON, read alone: resolving a profile (every <c>nono run</c>) needs only its own
    /// chain, not every embedded profile and the assembly's resource list.
    /// </summary>
    public static bool TryGetProfile(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? json)
    {
        json = s_profiles.IsValueCreated ? s_profiles.Value.GetValueOrDefault(name) : TryRead(ProfilePrefix + name + ".json");
        return json is not null;
    }

    /// <summary>
    /// Every path a built-in group grants (not denies), in no particular order: the root-only walk of a root run starts on
    /// those under /etc before the profile is resolved (<see cref="Nono.Core.Sandbox.RootOnlyPrefetch"/>).
    /// </summary>
    public static IEnumerable<string> GrantedPaths() =>
        Groups.Values.SelectMany(g => g.Filesystem.Read.Concat(g.Filesystem.Allow).Concat(g.Filesystem.Write)
            .Concat(g.Filesystem.ReadFile).Concat(g.Filesystem.AllowFile).Concat(g.Filesystem.WriteFile));

    /// <summary>The raw groups file (for validation tests and <c>nono profile groups --json</c>).</summary>
    public static string GroupsJson => Read("nono.groups.json");

    private static Dictionary<string, string> LoadProfiles()
    {
        Dictionary<string, string> profiles = new(StringComparer.Ordinal);
        foreach (string resource in typeof(BuiltinProfiles).Assembly.GetManifestResourceNames())
        {
            if (resource.StartsWith(ProfilePrefix, StringComparison.Ordinal) && resource.EndsWith(".json", StringComparison.Ordinal))
            {
                profiles[resource[ProfilePrefix.Length..^".json".Length]] = Read(resource);
            }
        }

        return profiles;
    }

    private static IReadOnlyDictionary<string, PolicyGroup> LoadGroups()
    {
        List<PolicyProblem> problems = [];
        IReadOnlyDictionary<string, PolicyGroup> groups = ProfileParser.ParseEmbeddedGroups(GroupsJson, GroupsOrigin, problems);
        if (problems.Count > 0)
        {
            // A broken built-in is a build defect, not user input; the tests keep this from shipping.
            throw new NonoException(NonoErrorCode.InvalidPolicy, $"built-in groups are invalid: {problems[0]}");
        }

        return groups;
    }

    private static string Read(string resource) =>
        TryRead(resource) ?? throw new NonoException(NonoErrorCode.StateCorrupt, $"built-in resource {resource} is missing from the executable");

    private static string? TryRead(string resource)
    {
        using Stream? stream = typeof(BuiltinProfiles).Assembly.GetManifestResourceStream(resource);
        if (stream is null)
        {
            return null;
        }

        if (stream is UnmanagedMemoryStream image)
        {
            // A resource is mapped with the executable: decode it in place instead of through a reader's buffers.
            return Decode(image);
        }

        using StreamReader reader = new(stream);
        return reader.ReadToEnd();
    }

    private static unsafe string Decode(UnmanagedMemoryStream image)
    {
        // SAFETY: the stream covers Length bytes of the executable's mapped image, which lives as long as the process.
        ReadOnlySpan<byte> bytes = new(image.PositionPointer, checked((int)(image.Length - image.Position)));
        return System.Text.Encoding.UTF8.GetString(bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? bytes[3..] : bytes);
    }
}
