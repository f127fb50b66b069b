using Nono.Action.Cli;
using Nono.Core.Trust.Sigstore;

namespace Nono.Action.Commands;

/// <summary>
/// Where the CLI finds a Sigstore trusted root: an explicit file, else <c>$NONO_SIGSTORE_TRUSTED_ROOT</c>,
/// else the cache file <c>$XDG_CACHE_HOME/nono/sigstore/trusted_root.json</c> (<c>~/.cache</c> by default).
/// </summary>
internal static class SigstoreTrustedRootLocator
{
    public static string? FindPath(CliContext context, string? explicitPath)
    {
        string? path = explicitPath ?? context.GetEnv("NONO_SIGSTORE_TRUSTED_ROOT") ?? CachedPath(context);
        return path is null ? null : Path.GetFullPath(path, context.CurrentDirectory);
    }

    public static TrustedRoot? TryLoad(CliContext context, string? explicitPath) =>
        FindPath(context, explicitPath) is { } path ? TrustedRootReader.Load(path) : null;

    public static string? CacheDirectory(CliContext context)
    {
        string? cache = context.GetEnv("XDG_CACHE_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg)
            ? xdg
            : context.GetEnv("HOME") is { Length: > 0 } home && Path.IsPathRooted(home) ? Path.Combine(home, ".cache") : null;
        return cache is null ? null : Path.Combine(cache, "nono", "sigstore");
    }

    private static string? CachedPath(CliContext context)
    {
        string? path = CacheDirectory(context) is { } dir ? Path.Combine(dir, "trusted_root.json") : null;
        return path is not null && File.Exists(path) ? path : null;
    }
}
