using System.Diagnostics;
using System.Security.Cryptography;

namespace Nono.Core.Proxy;

/// <summary>
/// Loads real credentials from the supervisor's environment dictionary, a file, or a command, and mints phantom tokens.
/// Error messages never contain credential bytes.
/// </summary>
internal static class CredentialResolver
{
    private const string UnusableCredential = "the credential is empty or contains control characters";
    private static readonly TimeSpan s_commandTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Resolves every service; collects all problems instead of stopping at the first.</summary>
    public static async Task<(IReadOnlyList<ResolvedService> Services, IReadOnlyList<string> Errors)> ResolveAsync(ProxyOptions options, CancellationToken cancellationToken)
    {
        List<ResolvedService> resolved = [];
        List<string> errors = [];
        foreach (CredentialService service in options.Services)
        {
            (string? credential, string? error) = service.CredentialCommand.Count > 0
                ? await RunCommandAsync(service.CredentialCommand, options, cancellationToken)
                : Load(service.CredentialKey ?? string.Empty, options.SupervisorEnvironment);
            if (credential is not null && !IsUsable(credential))
            {
                (credential, error) = (null, UnusableCredential);
            }

            if (credential is null)
            {
                errors.Add($"service '{service.Name}': {error}");
                continue;
            }

            resolved.Add(new ResolvedService(service, credential, NewToken()));
        }

        return (resolved, errors);
    }

    /// <summary>
    /// Checks that a service's credential source is usable without running anything: the variable is set, the file is
    /// readable and holds a valid credential, the command is an executable file. Null when fine, else the problem.
    /// </summary>
    public static string? CheckSource(CredentialService service, IReadOnlyDictionary<string, string> environment)
    {
        if (service.CredentialCommand.Count > 0)
        {
            string program = service.CredentialCommand[0];
            return File.Exists(program) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(program) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0)
                ? null
                : $"service '{service.Name}': credential command '{program}' is not an executable file";
        }

        (string? credential, string? error) = Load(service.CredentialKey ?? string.Empty, environment);
        return credential is null ? $"service '{service.Name}': {error}"
            : !IsUsable(credential) ? $"service '{service.Name}': {UnusableCredential}"
            : null;
    }

    private static bool IsUsable(string credential) => credential.Length > 0 && !credential.Any(c => c < ' ' || c == (char)0x7f);

    /// <summary>A fresh 256-bit token as 64 lower-case hex characters.</summary>
    public static string NewToken() => RandomNumberGenerator.GetHexString(64, lowercase: true);

    private static (string? Credential, string? Error) Load(string key, IReadOnlyDictionary<string, string> environment)
    {
        if (key.StartsWith("env://", StringComparison.Ordinal))
        {
            string name = key["env://".Length..];
            return environment.TryGetValue(name, out string? value) && value.Length > 0
                ? (value, null)
                : (null, $"credential variable '{name}' is not set in the supervisor environment");
        }

        if (key.StartsWith("file://", StringComparison.Ordinal))
        {
            string path = key["file://".Length..];
            try
            {
                return (File.ReadAllText(path).TrimEnd('\r', '\n'), null);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return (null, $"credential file '{path}' cannot be read: {ex.GetType().Name}");
            }
        }

        return (null, "credential_key must be env://VAR or file://PATH");
    }

    private static async Task<(string? Credential, string? Error)> RunCommandAsync(IReadOnlyList<string> argv, ProxyOptions options, CancellationToken cancellationToken)
    {
        ProcessStartInfo psi = new(argv[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string arg in argv.Skip(1))
        {
            psi.ArgumentList.Add(arg);
        }

        psi.Environment.Clear();
        foreach ((string name, string value) in options.SupervisorEnvironment)
        {
            psi.Environment[name] = value;
        }

        using CancellationTokenSource timeout = new(s_commandTimeout, options.TimeProvider);
        using CancellationTokenSource linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException();
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return (null, $"credential command '{argv[0]}' cannot be started");
        }

        using (process)
        {
            process.StandardInput.Close();
            Task<string> stdout = process.StandardOutput.ReadToEndAsync(linked.Token);
            Task<string> stderr = process.StandardError.ReadToEndAsync(linked.Token);
            try
            {
                await process.WaitForExitAsync(linked.Token);
                string output = await stdout;
                await stderr; // drained, never reported: it may echo the secret
                return process.ExitCode == 0
                    ? (output.TrimEnd('\r', '\n'), null)
                    : (null, $"credential command '{argv[0]}' exited with {process.ExitCode}");
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                return (null, $"credential command '{argv[0]}' timed out");
            }
        }
    }
}
