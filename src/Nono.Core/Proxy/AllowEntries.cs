using System.Globalization;

namespace Nono.Core.Proxy;

/// <summary>
/// Allow-list entries as text, for callers that check or propose them: <c>HOST</c>, <c>*.suffix</c> or <c>[v6addr]</c>,
/// each optionally with <c>:PORT</c>. Without a port an entry opens only <c>CONNECT</c> to 443 and plain HTTP to 80.
/// </summary>
public static class AllowEntries
{
    /// <summary>The one-line problem with <paramref name="entry"/> (naming it), or null when it is valid.</summary>
    public static string? Check(string entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return AllowEntry.TryParse(entry, out string? error) is null ? error : null;
    }

    /// <summary>
    /// The entry that allows a request to <paramref name="host"/> (normalized) on <paramref name="port"/>: the host alone
    /// for the port an entry without a port opens (443 for a tunnel, <paramref name="tunnel"/>; 80 for plain HTTP), else
    /// <c>HOST:PORT</c> (<c>[v6addr]:PORT</c>).
    /// </summary>
    public static string Format(string host, int port, bool tunnel)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (port <= 0 || port == (tunnel ? AllowEntry.TunnelPort : AllowEntry.HttpPort))
        {
            return host;
        }

        return Bracketed(host) + ":" + port.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>How <c>--dry-run</c> shows an entry: normalized, with the ports it opens (<c>example.com (ports 443 tunnel, 80 http)</c>).</summary>
    public static string Describe(string entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return AllowEntry.TryParse(entry, out _)?.ToString() ?? entry;
    }

    internal static string Bracketed(string host) => host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
}
