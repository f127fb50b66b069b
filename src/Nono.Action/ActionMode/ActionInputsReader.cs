using Microsoft.Extensions.Configuration;
using Nono.Core.Proxy;

namespace Nono.Action.ActionMode;

/// <summary>
/// Reads the action's inputs from the runner's <c>INPUT_*</c> variables through Microsoft.Extensions.Configuration
/// and validates all of them, reporting every problem rather than the first.
/// </summary>
internal static class ActionInputsReader
{
    private static readonly char[] s_listSeparators = ['\n', ','];

    public static IConfiguration Configuration(IReadOnlyDictionary<string, string> environment)
    {
        // The runner passes inputs as INPUT_<NAME> with '-' kept or turned into '_' depending on the
        // path; action.yml passes them with '_'. Keys are case-insensitive in configuration.
        Dictionary<string, string?> inputs = new(StringComparer.OrdinalIgnoreCase);
        foreach ((string key, string value) in environment)
        {
            if (key.StartsWith("INPUT_", StringComparison.OrdinalIgnoreCase))
            {
                inputs[key["INPUT_".Length..].Replace('-', '_')] = value;
            }
        }

        return new ConfigurationBuilder().AddInMemoryCollection(inputs).Build();
    }

    public static (ActionInputs? Inputs, IReadOnlyList<InputError> Errors) Read(IConfiguration config)
    {
        List<InputError> errors = [];
        string run = config["RUN"]?.Trim() ?? "";
        if (run.Length == 0)
        {
            errors.Add(new("run", "is required"));
        }

        string network = config["NETWORK"]?.Trim() ?? "blocked";
        IReadOnlyList<string> domains = network is "" or "blocked" ? [] : List(network);
        foreach (string domain in domains)
        {
            if (AllowEntries.Check(domain) is string problem)
            {
                errors.Add(new("network", $"not a host, *.suffix or [v6addr] pattern with an optional :PORT: {problem}"));
            }
        }

        ActionInputs inputs = new()
        {
            Run = run,
            Profile = NonEmpty(config["PROFILE"]) ?? "ci",
            Allow = Paths(config, "ALLOW", "allow", errors),
            Read = Paths(config, "READ", "read", errors),
            Write = Paths(config, "WRITE", "write", errors),
            AllowedDomains = domains,
            NetworkProfile = NonEmpty(config["NETWORK_PROFILE"]),
            Credentials = Credentials(config["CREDENTIALS"], errors),
            Mode = Choice(config, "MODE", "mode", ActionRunMode.Enforce, errors, ("enforce", ActionRunMode.Enforce), ("audit", ActionRunMode.Audit)),
            AllowWeaker = List(config["ALLOW_WEAKER"]),
            Snapshot = Bool(config, "SNAPSHOT", "snapshot", true, errors),
            FailOn = Choice(config, "FAIL_ON", "fail-on", FailOn.Error, errors, ("none", FailOn.None), ("warning", FailOn.Warning), ("error", FailOn.Error)),
            Sign = Choice(config, "SIGN", "sign", SignMode.Auto, errors, ("auto", SignMode.Auto), ("keyless", SignMode.Keyless), ("key", SignMode.Key), ("none", SignMode.None)),
            Summary = Bool(config, "SUMMARY", "summary", true, errors),
            PullRequestComment = Bool(config, "PR_COMMENT", "pr-comment", false, errors),
            CheckRun = Bool(config, "CHECK_RUN", "check-run", false, errors),
            Sarif = Bool(config, "SARIF", "sarif", false, errors),
            ArtifactName = NonEmpty(config["ARTIFACT_NAME"]),
            GitHubToken = NonEmpty(config["GITHUB_TOKEN"]),
        };
        if (inputs.ArtifactName is { } name && name.IndexOfAny(['"', ':', '<', '>', '|', '*', '?', '\\', '/', '\r', '\n']) >= 0)
        {
            errors.Add(new("artifact-name", "contains a character artifact names cannot have"));
        }

        return errors.Count == 0 ? (inputs, errors) : (null, errors);
    }

    private static IReadOnlyList<string> List(string? value) =>
        value is null ? [] : [.. value.Split(s_listSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static IReadOnlyList<string> Paths(IConfiguration config, string key, string input, List<InputError> errors)
    {
        IReadOnlyList<string> paths = List(config[key]);
        foreach (string path in paths)
        {
            if (Path.IsPathRooted(path) || path.Split('/').Contains(".."))
            {
                errors.Add(new(input, $"'{path}' must be relative to the workspace and stay inside it"));
            }
        }

        return paths;
    }

    private static List<CredentialMapping> Credentials(string? value, List<InputError> errors)
    {
        List<CredentialMapping> mappings = [];
        foreach (string line in value?.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [])
        {
            string[] parts = line.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length == 0 || !IsEnvName(parts[1]))
            {
                errors.Add(new("credentials", $"'{line}' is not SERVICE=ENV_VAR"));
                continue;
            }

            mappings.Add(new(parts[0], parts[1]));
        }

        return mappings;
    }

    private static T Choice<T>(IConfiguration config, string key, string input, T fallback, List<InputError> errors, params (string Name, T Value)[] choices)
    {
        string? raw = NonEmpty(config[key]);
        if (raw is null)
        {
            return fallback;
        }

        foreach ((string name, T value) in choices)
        {
            if (string.Equals(raw, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        errors.Add(new(input, $"'{raw}' is not one of {string.Join(", ", choices.Select(c => c.Name))}"));
        return fallback;
    }

    private static bool Bool(IConfiguration config, string key, string input, bool fallback, List<InputError> errors) =>
        Choice(config, key, input, fallback, errors, ("true", true), ("false", false));

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static bool IsEnvName(string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
