using System.Net;

namespace Nono.Core.Policy;

public sealed partial class ProfileResolver
{
    private static void CheckProfiles(List<LoadedProfile> chain, PolicyContext context, List<PolicyProblem> problems)
    {
        foreach (LoadedProfile loaded in chain)
        {
            Profile p = loaded.Profile;
            string origin = loaded.Origin;
            CheckNetwork(p.Network, origin, problems);
            CheckEnvironment(p.Environment, origin, problems);
            for (int i = 0; i < p.Rollback.ProtectedPaths.Count; i++)
            {
                if (ProfileParser.IsRejected(p.Rollback.ProtectedPaths[i]))
                {
                    continue;
                }

                if (!PathExpander.TryExpand(RelativeToWorkdir(p.Rollback.ProtectedPaths[i], context), context, out _, out string error))
                {
                    problems.Add(new PolicyProblem(origin, JsonPathText.Index("$.rollback.protected_paths", i), error));
                }
            }

            CheckNonEmpty(p.Rollback.ExcludePatterns, "$.rollback.exclude_patterns", origin, problems);
            CheckNonEmpty(p.Rollback.ExcludeGlobs, "$.rollback.exclude_globs", origin, problems);
            CheckNonEmpty(p.Security.Groups, "$.security.groups", origin, problems);
        }
    }

    /// <summary>Paths that may be relative (options, rollback.protected_paths) resolve against the working directory.</summary>
    internal static string RelativeToWorkdir(string raw, PolicyContext context) =>
        raw.Length > 0 && raw[0] is not ('/' or '~' or '$') ? Path.Combine(context.Workdir, raw) : raw;

    private static void CheckNetwork(NetworkSection network, string origin, List<PolicyProblem> problems)
    {
        for (int i = 0; i < network.AllowDomain.Count; i++)
        {
            if (ProfileParser.IsRejected(network.AllowDomain[i]))
            {
                continue;
            }

            if (Proxy.AllowEntries.Check(network.AllowDomain[i]) is string problem)
            {
                problems.Add(new PolicyProblem(origin, JsonPathText.Index("$.network.allow_domain", i), $"not an allow entry (HOST, *.suffix or [v6addr], optionally :PORT; no scheme or path): {problem}"));
            }
        }

        for (int i = 0; i < network.Resolve.Count; i++)
        {
            if (ProfileParser.IsRejected(network.Resolve[i]))
            {
                continue;
            }

            string[] parts = network.Resolve[i].Split('=');
            if (parts.Length != 2 || !IsHostName(parts[0]) || !IPAddress.TryParse(parts[1], out _))
            {
                problems.Add(new PolicyProblem(origin, JsonPathText.Index("$.network.resolve", i), $"'{network.Resolve[i]}' is not HOST=IP"));
            }
        }

        CheckNonEmpty(network.Credentials, "$.network.credentials", origin, problems);
        foreach (KeyValuePair<string, CustomCredential> entry in network.CustomCredentials)
        {
            CheckCredential(entry.Value, JsonPathText.Property("$.network.custom_credentials", entry.Key), origin, problems);
        }
    }

    private static void CheckCredential(CustomCredential credential, string path, string origin, List<PolicyProblem> problems)
    {
        if (credential.Upstream is null)
        {
            problems.Add(new PolicyProblem(origin, JsonPathText.Property(path, "upstream"), "upstream is required"));
        }
        else if (!Uri.TryCreate(credential.Upstream, UriKind.Absolute, out Uri? uri)
            || !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)))
        {
            problems.Add(new PolicyProblem(origin, JsonPathText.Property(path, "upstream"), $"'{credential.Upstream}' must be an https URL (http only for loopback)"));
        }

        if (string.IsNullOrWhiteSpace(credential.CredentialKey))
        {
            problems.Add(new PolicyProblem(origin, JsonPathText.Property(path, "credential_key"), "credential_key is required"));
        }

        if (credential.InjectHeader is not null && (credential.InjectHeader.Length == 0 || !credential.InjectHeader.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')))
        {
            problems.Add(new PolicyProblem(origin, JsonPathText.Property(path, "inject_header"), $"'{credential.InjectHeader}' is not a valid header name"));
        }

        if (credential.InjectHeader is not null && credential.InjectMode is not (null or InjectMode.Header))
        {
            problems.Add(new PolicyProblem(origin, JsonPathText.Property(path, "inject_header"), "inject_header only applies when inject_mode is header"));
        }

        if (credential.CredentialFormat is not null && !credential.CredentialFormat.Contains("{}", StringComparison.Ordinal))
        {
            problems.Add(new PolicyProblem(origin, JsonPathText.Property(path, "credential_format"), "credential_format must contain a {} placeholder"));
        }

        if (credential.EnvVar is not null && !IsVariableName(credential.EnvVar, allowGlob: false))
        {
            problems.Add(new PolicyProblem(origin, JsonPathText.Property(path, "env_var"), $"'{credential.EnvVar}' is not a valid environment variable name"));
        }
    }

    private static void CheckEnvironment(EnvironmentSection environment, string origin, List<PolicyProblem> problems)
    {
        for (int i = 0; i < environment.AllowVars.Count; i++)
        {
            if (ProfileParser.IsRejected(environment.AllowVars[i]))
            {
                continue;
            }

            if (!IsVariableName(environment.AllowVars[i], allowGlob: true))
            {
                problems.Add(new PolicyProblem(origin, JsonPathText.Index("$.environment.allow_vars", i), $"'{environment.AllowVars[i]}' is not a variable name or glob (letters, digits, _, * and ?)"));
            }
            else if (EnvironmentSanitizer.IsOidcMinting(environment.AllowVars[i]))
            {
                problems.Add(new PolicyProblem(origin, JsonPathText.Index("$.environment.allow_vars", i), $"'{environment.AllowVars[i]}' can mint OIDC tokens that sign as this job (keyless signing identity) and is never passed into the sandbox"));
            }
        }

        foreach (string name in environment.Set.Keys)
        {
            if (!IsVariableName(name, allowGlob: false))
            {
                problems.Add(new PolicyProblem(origin, JsonPathText.Property("$.environment.set", name), $"'{name}' is not a valid environment variable name"));
            }
        }
    }

    private static void CheckNonEmpty(IReadOnlyList<string> values, string path, string origin, List<PolicyProblem> problems)
    {
        for (int i = 0; i < values.Count; i++)
        {
            if (ProfileParser.IsRejected(values[i]))
            {
                continue;
            }

            if (string.IsNullOrWhiteSpace(values[i]))
            {
                problems.Add(new PolicyProblem(origin, JsonPathText.Index(path, i), "empty value"));
            }
        }
    }

    internal static bool IsVariableName(string name, bool allowGlob) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0])
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_' || (allowGlob && c is '*' or '?'));

    private static bool IsHostName(string host) =>
        host.Length is > 0 and <= 253 && !host.StartsWith('.') && !host.EndsWith('.') && !host.Contains("..", StringComparison.Ordinal)
        && host.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.');
}
