using System.Globalization;
using System.Net;

namespace Nono.Core.Proxy;

/// <summary>
/// Normalizes and validates host names the way the proxy compares them: ASCII lower-case, no trailing dot,
/// punycode for IDNs, and no ambiguous numeric forms (<c>0x7f.1</c>, <c>2130706433</c>, <c>017.0.0.1</c>) that
/// resolvers would read as an IP address.
/// </summary>
internal static class HostName
{
    private const int MaxLength = 253;
    private const int MaxLabelLength = 63;

    /// <summary>Normalizes <paramref name="host"/>. Unicode is converted to punycode only when <paramref name="allowUnicode"/> (configuration).</summary>
    public static bool TryNormalize(string host, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? normalized, out string? error, bool allowUnicode = false)
    {
        normalized = null;
        if (string.IsNullOrEmpty(host))
        {
            error = "empty host";
            return false;
        }

        if (host[0] == '[')
        {
            return TryNormalizeIpv6(host, out normalized, out error);
        }

        string h = host;
        if (!IsAscii(h))
        {
            if (!allowUnicode)
            {
                error = $"host '{Printable(host)}' is not ASCII (send IDNs as punycode)";
                return false;
            }

            try
            {
                h = new IdnMapping { UseStd3AsciiRules = true }.GetAscii(h);
            }
            catch (ArgumentException)
            {
                error = $"host '{Printable(host)}' is not a valid internationalized name";
                return false;
            }
        }

        h = h.ToLowerInvariant();
        if (h.EndsWith('.'))
        {
            h = h[..^1];
        }

        if (h.Length == 0 || h.Length > MaxLength)
        {
            error = $"host '{Printable(host)}' has an invalid length";
            return false;
        }

        string[] labels = h.Split('.');
        foreach (string label in labels)
        {
            if (label.Length == 0 || label.Length > MaxLabelLength)
            {
                error = $"host '{Printable(host)}' has an empty or over-long label";
                return false;
            }

            foreach (char c in label)
            {
                if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-' || c == '_'))
                {
                    error = $"host '{Printable(host)}' contains the invalid character '{Printable(c.ToString())}'";
                    return false;
                }
            }

            if (label[0] == '-' || label[^1] == '-')
            {
                error = $"host '{Printable(host)}' has a label starting or ending with '-'";
                return false;
            }
        }

        if (LooksNumeric(labels[^1]))
        {
            // Resolvers (inet_aton) accept 0x7f.1, 0177.0.0.1, 2130706433, 127.1 ... Only the canonical dotted quad is an address.
            if (!IsCanonicalDottedQuad(labels))
            {
                error = $"host '{Printable(host)}' is an ambiguous numeric address (use a canonical dotted quad)";
                return false;
            }
        }

        normalized = h;
        error = null;
        return true;
    }

    /// <summary>Whether a normalized host is an IP literal (a canonical dotted quad or an IPv6 address).</summary>
    public static bool IsIpLiteral(string normalizedHost) =>
        normalizedHost.Contains(':', StringComparison.Ordinal) || IsCanonicalDottedQuad(normalizedHost.Split('.'));

    /// <summary>Whether a normalized host has a single label (e.g. a service container <c>postgres</c>).</summary>
    public static bool IsSingleLabel(string normalizedHost) =>
        !normalizedHost.Contains('.', StringComparison.Ordinal) && !normalizedHost.Contains(':', StringComparison.Ordinal);

    /// <summary>Renders untrusted text for a one-line message: control and non-ASCII characters escaped, length capped.</summary>
    public static string Printable(string text)
    {
        System.Text.StringBuilder sb = new();
        foreach (char c in text.Length > 80 ? text[..80] : text)
        {
            sb.Append(c is >= ' ' and < (char)0x7f ? c.ToString() : $"\\u{(int)c:x4}");
        }

        return text.Length > 80 ? sb.Append("...").ToString() : sb.ToString();
    }

    private static bool TryNormalizeIpv6(string host, out string? normalized, out string? error)
    {
        normalized = null;
        if (host[^1] != ']' || host.Contains('%', StringComparison.Ordinal)
            || !IPAddress.TryParse(host.AsSpan(1, host.Length - 2), out IPAddress? address)
            || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            error = $"host '{Printable(host)}' is not a valid IPv6 literal";
            return false;
        }

        normalized = address.ToString();
        error = null;
        return true;
    }

    private static bool LooksNumeric(string label) =>
        label.All(char.IsAsciiDigit)
        || (label.Length > 2 && label.StartsWith("0x", StringComparison.Ordinal) && label[2..].All(char.IsAsciiHexDigit));

    private static bool IsCanonicalDottedQuad(string[] labels)
    {
        if (labels.Length != 4)
        {
            return false;
        }

        foreach (string label in labels)
        {
            if (label.Length is 0 or > 3 || !label.All(char.IsAsciiDigit) || (label.Length > 1 && label[0] == '0')
                || int.Parse(label, CultureInfo.InvariantCulture) > 255)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsAscii(string s) => s.All(char.IsAscii);
}
