using System.Globalization;

namespace Nono.Core.Proxy;

/// <summary>Parses <c>host[:port]</c> authorities strictly (no userinfo, no odd numeric hosts, ports 1-65535).</summary>
internal static class Authority
{
    public static bool TryParse(string text, int defaultPort, out string host, out int port, out string error)
    {
        host = string.Empty;
        port = 0;
        if (text.Contains('@', StringComparison.Ordinal))
        {
            error = "userinfo is not allowed in the target";
            return false;
        }

        string hostPart;
        string? portPart;
        if (text.StartsWith('['))
        {
            int close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                error = "unterminated IPv6 literal";
                return false;
            }

            hostPart = text[..(close + 1)];
            string after = text[(close + 1)..];
            portPart = after.Length == 0 ? null : after.StartsWith(':') ? after[1..] : "x";
        }
        else
        {
            int colon = text.LastIndexOf(':');
            hostPart = colon >= 0 ? text[..colon] : text;
            portPart = colon >= 0 ? text[(colon + 1)..] : null;
        }

        if (portPart is null)
        {
            if (defaultPort <= 0)
            {
                error = "the target needs a port";
                return false;
            }

            port = defaultPort;
        }
        else if (portPart.Length is 0 or > 5 || !portPart.All(char.IsAsciiDigit)
                 || (port = int.Parse(portPart, CultureInfo.InvariantCulture)) is < 1 or > 65535)
        {
            error = "invalid port";
            return false;
        }

        if (!HostName.TryNormalize(hostPart, out string? normalized, out string? hostError))
        {
            error = hostError ?? "invalid host";
            return false;
        }

        host = normalized;
        error = string.Empty;
        return true;
    }
}
