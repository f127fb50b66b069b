using System.IO.Enumeration;

namespace Nono.Core.Policy;

/// <summary>
/// Strips loader and interpreter hooks, CI credentials and secret-looking variables from an environment.
/// A profile's <c>environment.allow_vars</c> lets names back: an exact name brings back anything; a glob only
/// brings back <see cref="RemovalReason.SecretName"/> matches, so <c>"*"</c> can never re-enable <c>LD_PRELOAD</c>.
/// Nothing brings back the OIDC-minting variables (<see cref="IsOidcMinting"/>).
/// <c>environment.set</c> is applied last.
/// </summary>
public static class EnvironmentSanitizer
{
    private static readonly string[] s_loaderExact = ["GCONV_PATH", "GETCONF_DIR", "HOSTALIASES", "LOCALDOMAIN", "LOCPATH", "MALLOC_TRACE", "NLSPATH", "RESOLV_HOST_CONF", "RES_OPTIONS", "GLIBC_TUNABLES"];
    private static readonly string[] s_shellExact = ["BASH_ENV", "ENV", "PROMPT_COMMAND", "PS4", "SHELLOPTS", "BASHOPTS", "IFS", "CDPATH", "ZDOTDIR"];
    private static readonly string[] s_interpreterExact =
    [
        "PYTHONSTARTUP", "PYTHONPATH", "PYTHONHOME", "PYTHONUSERBASE", "PYTHONINSPECT", "PYTHONBREAKPOINT",
        "NODE_OPTIONS", "NODE_PATH", "NODE_REPL_EXTERNAL_MODULE",
        "PERL5OPT", "PERL5LIB", "PERLLIB", "PERL5DB", "RUBYOPT", "RUBYLIB",
        "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "CLASSPATH",
        "DOTNET_STARTUP_HOOKS", "DOTNET_ADDITIONAL_DEPS", "DOTNET_SHARED_STORE",
        "GIT_SSH_COMMAND", "GIT_SSH", "GIT_ASKPASS", "SSH_ASKPASS", "GIT_EXEC_PATH", "GIT_TEMPLATE_DIR", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM", "GIT_EXTERNAL_DIFF", "GIT_PROXY_COMMAND",
    ];

    private static readonly string[] s_interpreterPrefixes = ["CORECLR_PROFILER", "CORECLR_ENABLE_PROFILING", "COR_PROFILER", "COR_ENABLE_PROFILING", "GIT_CONFIG_KEY_", "GIT_CONFIG_VALUE_", "GIT_CONFIG_COUNT"];
    private static readonly string[] s_ciExact =
    [
        "GITHUB_TOKEN", "GH_TOKEN", "GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN",
        "ACTIONS_RUNTIME_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_URL",
        "ACTIONS_CACHE_URL", "ACTIONS_RESULTS_URL", "ACTIONS_RUNTIME_URL", "ACTIONS_CACHE_SERVICE_V2",
        "SYSTEM_ACCESSTOKEN", "CI_JOB_TOKEN", "SIGSTORE_ID_TOKEN",
    ];

    // These mint (or are) OIDC tokens that Fulcio turns into a signing certificate for the job's identity: inside the
    // sandbox they would let the agent sign a fabricated session as the workflow. No allow_vars entry brings them back.
    private static readonly string[] s_oidcMinting = ["ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "SIGSTORE_ID_TOKEN"];

    private static readonly string[] s_secretExact =
    [
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
        "AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PATH", "ARM_CLIENT_SECRET",
        "GOOGLE_APPLICATION_CREDENTIALS", "GOOGLE_CREDENTIALS", "CLOUDSDK_AUTH_ACCESS_TOKEN_FILE",
        "NPM_TOKEN", "NODE_AUTH_TOKEN", "YARN_NPM_AUTH_TOKEN", "CARGO_REGISTRY_TOKEN", "TWINE_PASSWORD",
        "DOCKER_AUTH_CONFIG", "DATABASE_URL", "SSH_AUTH_SOCK", "GPG_AGENT_INFO", "KRB5CCNAME",
    ];

    private static readonly string[] s_secretPatterns =
    [
        "*_TOKEN", "*_TOKEN_*", "*_SECRET", "*_SECRET_*", "*_PASSWORD", "*_PASSWD", "*_PASS", "*_API_KEY", "*_APIKEY",
        "*_PRIVATE_KEY", "*_PRIVATE_KEY_*", "*_PRIVKEY", "*_SIGNING_KEY", "*_SIGNING_KEY_*", "*_SECRET_KEY", "*_ACCESS_KEY", "*_CREDENTIALS", "*_AUTH_TOKEN", "TOKEN", "SECRET", "PASSWORD", "API_KEY", "PRIVATE_KEY", "SIGNING_KEY",
    ];

    /// <summary>Classifies one variable name; null when it is kept.</summary>
    public static RemovalReason? Classify(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string upper = name.ToUpperInvariant();
        if (upper.StartsWith("LD_", StringComparison.Ordinal) || Contains(s_loaderExact, upper))
        {
            return RemovalReason.LoaderHook;
        }

        if (upper.StartsWith("BASH_FUNC_", StringComparison.Ordinal) || Contains(s_shellExact, upper))
        {
            return RemovalReason.ShellHook;
        }

        if (Contains(s_interpreterExact, upper) || s_interpreterPrefixes.Any(p => upper.StartsWith(p, StringComparison.Ordinal)))
        {
            return RemovalReason.InterpreterHook;
        }

        if (Contains(s_ciExact, upper))
        {
            return RemovalReason.CiCredential;
        }

        if (Contains(s_secretExact, upper) || s_secretPatterns.Any(p => FileSystemName.MatchesSimpleExpression(p, upper, ignoreCase: false)))
        {
            return RemovalReason.SecretName;
        }

        return null;
    }

    /// <summary>True for variables that can obtain an OIDC (keyless signing) identity: never passed into the sandbox.</summary>
    public static bool IsOidcMinting(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Contains(s_oidcMinting, name.ToUpperInvariant());
    }

    /// <summary>Returns the sanitized environment and the removed names (never values).</summary>
    public static SanitizedEnvironment Sanitize(IReadOnlyDictionary<string, string> environment, EnvironmentSection rules)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(rules);
        Dictionary<string, string> kept = new(StringComparer.Ordinal);
        List<RemovedVariable> removed = [];
        foreach (KeyValuePair<string, string> entry in environment)
        {
            RemovalReason? reason = Classify(entry.Key);
            if (reason is null || (!IsOidcMinting(entry.Key) && IsAllowedBack(entry.Key, reason.Value, rules.AllowVars)))
            {
                kept[entry.Key] = entry.Value;
            }
            else
            {
                removed.Add(new RemovedVariable(entry.Key, reason.Value));
            }
        }

        foreach (KeyValuePair<string, string> entry in rules.Set)
        {
            kept[entry.Key] = entry.Value;
        }

        removed.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return new SanitizedEnvironment(kept, removed);
    }

    private static bool IsAllowedBack(string name, RemovalReason reason, IReadOnlyList<string> allowVars)
    {
        foreach (string allowed in allowVars)
        {
            if (string.Equals(allowed, name, StringComparison.Ordinal))
            {
                return true;
            }

            if (reason == RemovalReason.SecretName && PolicyPath.HasWildcard(allowed)
                && FileSystemName.MatchesSimpleExpression(allowed, name, ignoreCase: false))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Contains(string[] names, string upper) => Array.IndexOf(names, upper) >= 0;
}
