namespace Nono.Core.Sandbox;

/// <summary>Finds the executable for a command the way execvp does, but in the parent, before any fork.</summary>
public static class CommandResolver
{
    /// <summary>The PATH used when the environment has none.</summary>
    public const string DefaultPath = "/usr/local/bin:/usr/bin:/bin";

    /// <summary>The absolute path of the executable, or null when nothing executable matches.</summary>
    public static string? Resolve(string command, string? pathVariable, string workingDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(command);
        if (command.Contains('/', StringComparison.Ordinal))
        {
            string full = Path.GetFullPath(command, workingDirectory);
            return IsExecutableFile(full) ? full : null;
        }

        foreach (string dir in (pathVariable ?? DefaultPath).Split(':'))
        {
            // An empty PATH entry means the current directory, as in POSIX.
            string candidate = Path.Combine(dir.Length == 0 ? workingDirectory : Path.GetFullPath(dir, workingDirectory), command);
            if (IsExecutableFile(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static bool IsExecutableFile(string path)
    {
        if (!File.Exists(path) || !OperatingSystem.IsLinux())
        {
            return false;
        }

        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(path) & anyExecute) != 0;
    }
}
