using System.Net;

namespace Nono.Core.Proxy;

/// <summary>
/// Maps a host name to an address without DNS (<c>HOST=IP</c>). An address given this way for an allowed host is
/// permitted even when loopback or private; link-local and metadata addresses stay denied.
/// </summary>
/// <param name="Host">The host name.</param>
/// <param name="Address">The address it resolves to.</param>
public sealed record ResolverOverride(string Host, IPAddress Address)
{
    /// <summary>Parses <c>HOST=IP</c>. Returns <see langword="null"/> and a one-line error when malformed.</summary>
    public static ResolverOverride? TryParse(string text, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        int eq = text.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0 || eq == text.Length - 1)
        {
            error = $"resolver override '{text}': expected HOST=IP";
            return null;
        }

        string host = text[..eq].Trim();
        string ip = text[(eq + 1)..].Trim().Trim('[', ']');
        if (!HostName.TryNormalize(host, out string? normalized, out string? hostError) || HostName.IsIpLiteral(normalized))
        {
            error = $"resolver override '{text}': {hostError ?? "host must be a name, not an address"}";
            return null;
        }

        if (!IPAddress.TryParse(ip, out IPAddress? address) || !AddressPolicy.IsCanonicalLiteral(ip, address))
        {
            error = $"resolver override '{text}': '{ip}' is not an IP address";
            return null;
        }

        error = null;
        return new ResolverOverride(normalized, address);
    }
}
