using System.Diagnostics;
using Nono.Core.Diagnostics;

namespace Nono.Action.GitHub;

/// <summary>Runs the git CLI outside the sandbox (the supervisor's own git calls).</summary>
internal static class GitCli
{
    private static readonly string[] KeptVariables = ["PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "XDG_CONFIG_HOME"];

    public static async Task<(int ExitCode, string Output)> RunAsync(string workingDirectory, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        ProcessStartInfo psi = new("git")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        // Only what git needs to find itself and the user's global config (safe.directory): the supervisor's environment
        // holds the runner's secrets, and GIT_* variables could point git at other repositories or config files.
        Dictionary<string, string?> kept = KeptVariables.ToDictionary(name => name, Environment.GetEnvironmentVariable);
        psi.Environment.Clear();
        foreach ((string name, string? value) in kept)
        {
            if (value is not null)
            {
                psi.Environment[name] = value;
            }
        }

        // Never let a repository's config run programs or prompt: this is the supervisor.
        psi.Environment["GIT_TERMINAL_PROMPT"] = "0";
        psi.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        using Process process = Process.Start(psi) ?? throw new NonoException(NonoErrorCode.Io, "could not start git");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        Task<string> stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        _ = await stderr;
        return (process.ExitCode, await stdout);
    }
}
