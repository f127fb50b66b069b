using System.Net;
using Nono.Core.Diagnostics;

namespace Nono.Core.Trust.Keyless;

/// <summary>Where keyless signing gets its certificate and logs its signature.</summary>
public sealed record KeylessSettings
{
    /// <summary>Sigstore public-good Fulcio.</summary>
    public static readonly Uri DefaultFulcio = new("https://fulcio.sigstore.dev");

    /// <summary>Sigstore public-good Rekor.</summary>
    public static readonly Uri DefaultRekor = new("https://rekor.sigstore.dev");

    /// <summary>Fulcio base URL (v2 API).</summary>
    public Uri FulcioUrl { get; init; } = DefaultFulcio;

    /// <summary>Rekor base URL (v1 API).</summary>
    public Uri RekorUrl { get; init; } = DefaultRekor;

    /// <summary>
    /// Settings from explicit values, else <c>NONO_FULCIO_URL</c> / <c>NONO_REKOR_URL</c>, else the public-good
    /// instances. URLs must be https, except on loopback addresses (local stand-ins); the OIDC token is
    /// never sent over plain http to another host.
    /// </summary>
    public static KeylessSettings Resolve(string? fulcio, string? rekor, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string? Env(string name) => environment.TryGetValue(name, out string? v) && v.Length > 0 ? v : null;
        return new KeylessSettings
        {
            FulcioUrl = Check(fulcio ?? Env("NONO_FULCIO_URL"), DefaultFulcio, "Fulcio"),
            RekorUrl = Check(rekor ?? Env("NONO_REKOR_URL"), DefaultRekor, "Rekor"),
        };
    }

    internal static Uri Check(string? value, Uri fallback, string what)
    {
        if (value is null)
        {
            return fallback;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new NonoException(NonoErrorCode.InvalidPolicy, $"invalid {what} URL '{value}'");
        }

        bool loopback = uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out IPAddress? ip) && IPAddress.IsLoopback(ip));
        if (uri.Scheme == Uri.UriSchemeHttp && !loopback)
        {
            throw new NonoException(NonoErrorCode.InvalidPolicy, $"{what} URL '{value}' must use https (plain http is allowed on loopback only)");
        }

        return uri;
    }
}
