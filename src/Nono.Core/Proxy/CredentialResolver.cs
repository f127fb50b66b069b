using System.Security.Cryptography;

namespace Nono.Core.Proxy;

/// <summary>Loads real credentials from the supervisor's environment dictionary or a file, and mints phantom tokens.</summary>
internal static class CredentialResolver
{
    /// <summary>Resolves every service; collects all problems instead of stopping at the first.</summary>
    public static (IReadOnlyList<ResolvedService> Services, IReadOnlyList<string> Errors) Resolve(ProxyOptions options)
    {
        List<ResolvedService> resolved = [];
        List<string> errors = [];
        foreach (CredentialService service in options.Services)
        {
            string? credential = Load(service, options.SupervisorEnvironment, out string? error);
            if (credential is null)
            {
                errors.Add($"service '{service.Name}': {error}");
                continue;
            }

            resolved.Add(new ResolvedService(service, credential, NewToken()));
        }

        return (resolved, errors);
    }

    /// <summary>A fresh 256-bit token as 64 lower-case hex characters.</summary>
    public static string NewToken() => RandomNumberGenerator.GetHexString(64, lowercase: true);

    private static string? Load(CredentialService service, IReadOnlyDictionary<string, string> environment, out string? error)
    {
        string key = service.CredentialKey;
        string? value;
        if (key.StartsWith("env://", StringComparison.Ordinal))
        {
            string name = key["env://".Length..];
            if (!environment.TryGetValue(name, out value) || value.Length == 0)
            {
                error = $"credential variable '{name}' is not set in the supervisor environment";
                return null;
            }
        }
        else if (key.StartsWith("file://", StringComparison.Ordinal))
        {
            string path = key["file://".Length..];
            try
            {
                value = File.ReadAllText(path).TrimEnd('\r', '\n');
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                error = $"credential file '{path}' cannot be read: {ex.GetType().Name}";
                return null;
            }
        }
        else
        {
            error = "credential_key must be env://VAR or file://PATH";
            return null;
        }

        if (value.Length == 0 || value.Any(c => c < ' ' || c == (char)0x7f))
        {
            error = "the credential is empty or contains control characters";
            return null;
        }

        error = null;
        return value;
    }
}
