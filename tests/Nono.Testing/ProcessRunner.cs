using System.Diagnostics;

namespace Nono.Testing;

/// <summary>Runs a real process, optionally as the unprivileged test user, and captures its output.</summary>
public static class ProcessRunner
{
    public const int NobodyId = 65534;

    public static bool IsRoot => Environment.UserName == "root" || GetEuid() == 0;

    /// <summary>Starts <paramref name="fileName"/> as <paramref name="user"/> (uid 65534 through setpriv), nothing redirected.</summary>
    public static ProcessStartInfo StartInfo(string fileName, IEnumerable<string> arguments, TestUser user = TestUser.Current)
    {
        ProcessStartInfo psi = new() { UseShellExecute = false };
        if (user == TestUser.Nobody)
        {
            psi.FileName = "setpriv";
            foreach (string a in new[] { $"--reuid={NobodyId}", $"--regid={NobodyId}", "--clear-groups", "--", fileName })
            {
                psi.ArgumentList.Add(a);
            }
        }
        else
        {
            psi.FileName = fileName;
        }

        foreach (string arg in arguments)
        {
            psi.ArgumentList.Add(arg);
        }

        return psi;
    }

    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        TestUser user = TestUser.Current,
        IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null,
        string? standardInput = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        ProcessStartInfo psi = StartInfo(fileName, arguments, user);
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.RedirectStandardInput = true;
        psi.WorkingDirectory = workingDirectory ?? Path.GetTempPath();

        if (environment is not null)
        {
            psi.Environment.Clear();
            foreach ((string key, string value) in environment)
            {
                psi.Environment[key] = value;
            }
        }

        using Process process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {fileName}");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        Task<string> stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput.AsMemory(), cancellationToken);
        }

        process.StandardInput.Close();
        using CancellationTokenSource timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeoutSource.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish in time");
        }

        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    private static uint GetEuid()
    {
        // /proc/self/status "Uid:" line: real, effective, saved, fs.
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("Uid:", StringComparison.Ordinal))
            {
                string[] parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                return uint.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return uint.MaxValue;
    }
}
