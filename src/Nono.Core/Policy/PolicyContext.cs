namespace Nono.Core.Policy;

/// <summary>
/// Everything profile resolution may know about the outside world. The library never reads the
/// process environment; the caller passes it here.
/// </summary>
/// <param name="Home">Absolute home directory.</param>
/// <param name="Workdir">Absolute working directory.</param>
/// <param name="Uid">Effective user id.</param>
/// <param name="Environment">Environment variables, used for <c>$TMPDIR</c>, <c>$XDG_*</c> and the GitHub runner variables.</param>
public sealed record PolicyContext(string Home, string Workdir, int Uid, IReadOnlyDictionary<string, string> Environment)
{
    /// <summary>Nono's own state directory (<c>$XDG_STATE_HOME/nono</c>), which the sandbox never exposes.</summary>
    public string StateDirectory => Path.Combine(XdgDirectory("XDG_STATE_HOME", ".local/state"), "nono");

    /// <summary>Nono's user configuration (<c>$XDG_CONFIG_HOME/nono</c>, with the user profiles), which the sandbox never exposes either.</summary>
    public string ConfigDirectory => Path.Combine(XdgDirectory("XDG_CONFIG_HOME", ".config"), "nono");

    /// <summary>User profile directory (<c>$XDG_CONFIG_HOME/nono/profiles</c>).</summary>
    public string UserProfileDirectory => Path.Combine(ConfigDirectory, "profiles");

    /// <summary>Resolves one profile variable (name without <c>$</c>); false with an error when unknown or unset.</summary>
    public bool TryGetVariable(string name, out string value, out string error)
    {
        ArgumentNullException.ThrowIfNull(name);
        error = "";
        string? result = name switch
        {
            "HOME" => Home,
            "WORKDIR" => Workdir,
            "UID" => Uid.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "TMPDIR" => AbsoluteEnv("TMPDIR") ?? "/tmp",
            "XDG_CONFIG_HOME" => XdgDirectory(name, ".config"),
            "XDG_DATA_HOME" => XdgDirectory(name, ".local/share"),
            "XDG_STATE_HOME" => XdgDirectory(name, ".local/state"),
            "XDG_CACHE_HOME" => XdgDirectory(name, ".cache"),
            "XDG_RUNTIME_DIR" => AbsoluteEnv(name) ?? $"/run/user/{Uid.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            "GITHUB_WORKSPACE" or "RUNNER_TEMP" or "RUNNER_TOOL_CACHE" => AbsoluteEnv(name),
            _ => null,
        };

        if (result is null || result.Length == 0)
        {
            error = IsKnownVariable(name)
                ? $"variable ${name} is not set (or not an absolute path) in this environment"
                : $"unknown variable ${name} (known: {string.Join(", ", KnownVariables.Select(v => "$" + v))})";
            value = "";
            return false;
        }

        value = result;
        return true;
    }

    /// <summary>The variables profiles may use.</summary>
    public static IReadOnlyList<string> KnownVariables { get; } =
    [
        "HOME", "WORKDIR", "TMPDIR", "UID",
        "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR",
        "GITHUB_WORKSPACE", "RUNNER_TEMP", "RUNNER_TOOL_CACHE",
    ];

    private static bool IsKnownVariable(string name) => KnownVariables.Contains(name, StringComparer.Ordinal);

    private string XdgDirectory(string name, string relativeDefault) =>
        AbsoluteEnv(name) ?? Path.Combine(Home, relativeDefault);

    // The XDG spec says relative values are invalid and must be ignored; the same holds for the runner variables.
    private string? AbsoluteEnv(string name) =>
        Environment.TryGetValue(name, out string? value) && value.Length > 0 && value[0] == '/' ? value : null;
}
