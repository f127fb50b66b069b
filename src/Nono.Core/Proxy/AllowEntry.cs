using System.Globalization;

namespace Nono.Core.Proxy;

/// <summary>
/// An allow-list entry: a host pattern and the one port it opens (<c>HOST:PORT</c>, <c>*.suffix:PORT</c>,
/// <c>[v6addr]:PORT</c>). Without a port it opens only the web's ports: <c>CONNECT</c> to 443 and plain HTTP
/// (absolute-form) to 80, so an allowed name is not a way to any service its addresses run.
/// </summary>
internal sealed class AllowEntry
{
    /// <summary>The port a port-less entry opens for <c>CONNECT</c> tunnels.</summary>
    public const int TunnelPort = 443;

    /// <summary>The port a port-less entry opens for plain-HTTP (absolute-form) requests.</summary>
    public const int HttpPort = 80;

    private AllowEntry(HostPattern host, int? port)
    {
        Host = host;
        Port = port;
    }

    /// <summary>The host pattern.</summary>
    public HostPattern Host { get; }

    /// <summary>The port given with the entry, or null for the web's ports.</summary>
    public int? Port { get; }

    /// <summary>Parses an entry; the error (one line) names it.</summary>
    public static AllowEntry? TryParse(string text, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        (string hostText, string? portText) = Split(text.Trim());
        int? port = null;
        if (portText is not null)
        {
            if (!TryParsePort(portText, out int parsed))
            {
                error = $"'{HostName.Printable(text)}': port '{HostName.Printable(portText)}' is not a number from 1 to 65535";
                return null;
            }

            port = parsed;
        }

        if (HostPattern.TryParse(hostText, out string? hostError) is not HostPattern host)
        {
            error = hostError;
            return null;
        }

        error = null;
        return new AllowEntry(host, port);
    }

    /// <summary>Whether <paramref name="port"/> is open for a tunnel (<paramref name="tunnel"/>) or a plain-HTTP request.</summary>
    public bool AllowsPort(int port, bool tunnel) => port == (Port ?? (tunnel ? TunnelPort : HttpPort));

    /// <inheritdoc/>
    public override string ToString()
    {
        string host = AllowEntries.Bracketed(Host.ToString());
        return Port is int port
            ? host + ":" + port.ToString(CultureInfo.InvariantCulture)
            : host + " (ports 443 tunnel, 80 http)";
    }

    private static (string Host, string? Port) Split(string text)
    {
        if (text.StartsWith('['))
        {
            int close = text.IndexOf(']', StringComparison.Ordinal);
            return close >= 0 && close + 1 < text.Length && text[close + 1] == ':'
                ? (text[..(close + 1)], text[(close + 2)..])
                : (text, null); // the host check reports anything after ']'
        }

        int colon = text.LastIndexOf(':');
        return colon >= 0 ? (text[..colon], text[(colon + 1)..]) : (text, null);
    }

    private static bool TryParsePort(string text, out int port)
    {
        port = 0;
        return text.Length is > 0 and <= 5 && text.All(char.IsAsciiDigit)
            && (port = int.Parse(text, CultureInfo.InvariantCulture)) is >= 1 and <= 65535;
    }
}
