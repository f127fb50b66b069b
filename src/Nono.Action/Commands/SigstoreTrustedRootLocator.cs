using Nono.Action.Cli;
using Nono.Core.Diagnostics;
using Nono.Core.Trust.Sigstore;
using Nono.Core.Trust.Tuf;

namespace Nono.Action.Commands;

/// <summary>
/// Where the CLI gets a Sigstore trusted root: an explicit file, else <c>$NONO_SIGSTORE_TRUSTED_ROOT</c>,
/// else a TUF refresh of <c>trusted_root.json</c> from <c>$NONO_TUF_URL</c> (default: Sigstore's
/// public-good CDN), anchored in the embedded root (or <c>$NONO_TUF_ROOT</c>) and cached under
/// <c>$XDG_CACHE_HOME/nono/sigstore/</c> (<c>~/.cache</c> by default). A failed refresh is an error;
/// it never falls back to stale data silently.
/// </summary>
internal static class SigstoreTrustedRootLocator
{
    public static string? ExplicitPath(CliContext context, string? explicitPath)
    {
        string? path = explicitPath ?? context.GetEnv("NONO_SIGSTORE_TRUSTED_ROOT");
        return path is { Length: > 0 } ? Path.GetFullPath(path, context.CurrentDirectory) : null;
    }

    public static async Task<TrustedRoot> LoadAsync(CliContext context, string? explicitPath, CancellationToken cancellationToken)
    {
        if (ExplicitPath(context, explicitPath) is { } path)
        {
            return TrustedRootReader.Load(path);
        }

        string cache = CacheDirectory(context)
            ?? throw new NonoException(NonoErrorCode.InvalidPolicy, "no trusted root: pass --trusted-root FILE, set NONO_SIGSTORE_TRUSTED_ROOT, or set HOME/XDG_CACHE_HOME for the TUF cache");
        string? anchorPath = context.GetEnv("NONO_TUF_ROOT") is { Length: > 0 } a ? Path.GetFullPath(a, context.CurrentDirectory) : null;
        TufClientOptions options = new()
        {
            RepositoryUrl = context.GetEnv("NONO_TUF_URL") is { Length: > 0 } url ? new Uri(url.EndsWith('/') ? url : url + "/") : TufClientOptions.SigstorePublicGood,
            CacheDirectory = cache,
            TrustAnchor = anchorPath is null ? null : File.ReadAllBytes(anchorPath),
        };
        using HttpClient http = new() { Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            byte[] json = await new TufClient(http, options).FetchTargetAsync("trusted_root.json", cancellationToken);
            return TrustedRootReader.Parse(json, $"{options.RepositoryUrl}trusted_root.json");
        }
        catch (NonoException ex)
        {
            throw new NonoException(ex.Code, $"cannot refresh the Sigstore trusted root over TUF from {options.RepositoryUrl} ({ex.Message}); pass --trusted-root FILE to verify offline");
        }
    }

    public static string? CacheDirectory(CliContext context)
    {
        string? cache = context.GetEnv("XDG_CACHE_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg)
            ? xdg
            : context.GetEnv("HOME") is { Length: > 0 } home && Path.IsPathRooted(home) ? Path.Combine(home, ".cache") : null;
        return cache is null ? null : Path.Combine(cache, "nono", "sigstore");
    }
}
