using System.IO.Enumeration;
using Nono.Core.Capabilities;

namespace Nono.Core.Policy;

public sealed partial class ProfileResolver
{
    // For a deny, Access is what stays: nothing for deny, reading for deny_write.
    private static readonly (string Key, FsAccess Access, bool IsFile, bool IsDeny)[] s_ruleKinds =
    [
        ("allow", FsAccess.ReadWrite, false, false),
        ("read", FsAccess.Read, false, false),
        ("write", FsAccess.Write, false, false),
        ("allow_file", FsAccess.ReadWrite, true, false),
        ("read_file", FsAccess.Read, true, false),
        ("write_file", FsAccess.Write, true, false),
        ("deny", FsAccess.None, false, true),
        ("deny_write", FsAccess.Read, false, true),
    ];

    private FilesystemRules CollectRules(List<LoadedProfile> chain, List<string> groups, PolicyContext context, PolicyOverrides overrides, List<PolicyProblem> problems)
    {
        FilesystemRules rules = new();
        string? state = CanonicalOrProblem(context.StateDirectory, "context", "$.state_directory", rules.Paths, problems);
        if (state is not null)
        {
            rules.AddDeny(state, StateDirectorySource);
        }

        // The user profiles are trusted input of every later run (a user profile named like a built-in replaces it).
        string? config = CanonicalOrProblem(context.ConfigDirectory, "context", "$.config_directory", rules.Paths, problems);
        if (config is not null)
        {
            rules.AddDeny(config, ConfigDirectorySource);
        }

        foreach (string name in groups)
        {
            if (ProfileParser.IsRejected(name))
            {
                continue;
            }

            PolicyGroup? group = _catalog.FindGroup(name);
            if (group is not null)
            {
                AddSection(group.Filesystem, $"group:{name}", $"group:{name}", JsonPathText.Root, context, rules, problems);
                continue;
            }

            LoadedProfile? owner = chain.FirstOrDefault(p => p.Profile.Security.Groups.Contains(name, StringComparer.Ordinal));
            string path = owner is null ? "" : JsonPathText.Index("$.security.groups", owner.Profile.Security.Groups.ToList().IndexOf(name));
            problems.Add(new PolicyProblem(owner?.Origin ?? "catalog", path, $"unknown group '{name}' (see 'nono profile groups')"));
        }

        foreach (LoadedProfile profile in chain)
        {
            AddSection(profile.Profile.Filesystem, $"profile:{profile.Name}", profile.Origin, JsonPathText.Root, context, rules, problems);
        }

        foreach (PathOverride o in overrides.Paths)
        {
            AddRule(RelativeToWorkdir(o.Path, context), o.Access, o.IsFile, isDeny: false, required: true, o.Source, o.Source, "", -1, context, rules, problems);
        }

        return rules;
    }

    private static void AddSection(FilesystemSection section, string source, string origin, string root, PolicyContext context, FilesystemRules rules, List<PolicyProblem> problems)
    {
        foreach ((string key, FsAccess access, bool isFile, bool isDeny) in s_ruleKinds)
        {
            IReadOnlyList<string> entries = key switch
            {
                "allow" => section.Allow,
                "read" => section.Read,
                "write" => section.Write,
                "allow_file" => section.AllowFile,
                "read_file" => section.ReadFile,
                "write_file" => section.WriteFile,
                "deny_write" => section.DenyWrite,
                _ => section.Deny,
            };
            if (entries.Count == 0)
            {
                continue;
            }

            string listPath = JsonPathText.Property(JsonPathText.Property(root, "filesystem"), key);
            for (int i = 0; i < entries.Count; i++)
            {
                if (ProfileParser.IsRejected(entries[i]))
                {
                    continue;
                }

                AddRule(entries[i], access, isFile, isDeny, required: false, source, origin, listPath, i, context, rules, problems);
            }
        }
    }

    /// <summary>Adds one rule; its JSONPath (<paramref name="listPath"/>[<paramref name="index"/>]) is spelled out only for a problem.</summary>
    private static void AddRule(string raw, FsAccess access, bool fileRule, bool isDeny, bool required, string source, string origin, string listPath, int index, PolicyContext context, FilesystemRules rules, List<PolicyProblem> problems)
    {
        string JsonPath() => JsonPathAt(listPath, index);

        if (!PathExpander.TryExpand(raw, context, out string expanded, out string error))
        {
            problems.Add(new PolicyProblem(origin, JsonPath(), error));
            return;
        }

        if (PolicyPath.HasWildcard(expanded))
        {
            if (isDeny && access == FsAccess.None)
            {
                AddDenyPattern(expanded, source, origin, JsonPath(), rules, problems);
            }
            else
            {
                problems.Add(new PolicyProblem(origin, JsonPath(), $"'{raw}': wildcards are only allowed in filesystem.deny"));
            }

            return;
        }

        string? canonical = CanonicalOrProblem(expanded, origin, listPath, rules.Paths, problems, index);
        if (canonical is null)
        {
            return;
        }

        if (isDeny)
        {
            rules.AddDeny(canonical, source, writeOnly: access != FsAccess.None);
            return;
        }

        // The canonicalisation has just looked the path up (one statx); asking again took a stat and an lstat per rule.
        (bool isDirectory, bool isFile) = rules.Paths.KindIfLookedUp(canonical) ?? (Directory.Exists(canonical), File.Exists(canonical));
        if (!isDirectory && !isFile)
        {
            if (required)
            {
                problems.Add(new PolicyProblem(origin, JsonPath(), $"'{raw}' does not exist"));
            }
            else
            {
                rules.Skip(canonical, source, "does not exist");
            }

            return;
        }

        if (fileRule && isDirectory)
        {
            problems.Add(new PolicyProblem(origin, JsonPath(), $"'{raw}' is a directory; use a directory rule (allow, read, write)"));
            return;
        }

        rules.AddGrant(canonical, access, fileRule || isFile, source);
    }

    private static void AddDenyPattern(string expanded, string source, string origin, string jsonPath, FilesystemRules rules, List<PolicyProblem> problems)
    {
        string directory = Path.GetDirectoryName(expanded) ?? "/";
        string pattern = Path.GetFileName(expanded);
        if (PolicyPath.HasWildcard(directory))
        {
            problems.Add(new PolicyProblem(origin, jsonPath, $"'{expanded}': wildcards are only allowed in the last path component"));
            return;
        }

        string? canonicalDirectory = CanonicalOrProblem(directory, origin, jsonPath, rules.Paths, problems);
        if (canonicalDirectory is null)
        {
            return;
        }

        rules.AddPattern(Path.Combine(canonicalDirectory, pattern), source);
        if (!Directory.Exists(canonicalDirectory))
        {
            return;
        }

        // Existing matches become plain denies; the pattern stays in DenyPatterns for later matches and for a
        // directory this user cannot list (then the sandboxed process, running as this user, cannot list it either).
        try
        {
            foreach (string entry in Directory.EnumerateFileSystemEntries(canonicalDirectory))
            {
                if (FileSystemName.MatchesSimpleExpression(pattern, Path.GetFileName(entry), ignoreCase: false))
                {
                    rules.AddDeny(entry, source);
                    rules.AddDeny(PolicyPath.Canonicalize(entry, rules.Paths), source);
                }
            }
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string? CanonicalOrProblem(string path, string origin, string jsonPath, PathLookups lookups, List<PolicyProblem> problems, int index = -1)
    {
        try
        {
            return PolicyPath.Canonicalize(path, lookups);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            problems.Add(new PolicyProblem(origin, JsonPathAt(jsonPath, index), $"'{path}': {ex.Message}"));
            return null;
        }
    }

    private static string JsonPathAt(string path, int index) => index < 0 ? path : JsonPathText.Index(path, index);
}
