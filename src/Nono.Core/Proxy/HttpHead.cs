using System.Text;

namespace Nono.Core.Proxy;

/// <summary>
/// A parsed HTTP/1.x request or response head. Parsing is strict (RFC 9112): CRLF line ends, no obs-fold, no
/// whitespace before the colon, token header names, no control characters in values. Anything else is refused
/// rather than guessed at, which closes request-smuggling and header-injection tricks.
/// </summary>
internal sealed class HttpHead
{
    private HttpHead(string first, string second, string third)
    {
        First = first;
        Second = second;
        Third = third;
    }

    /// <summary>Request: method. Response: version.</summary>
    public string First { get; set; }

    /// <summary>Request: target. Response: status code.</summary>
    public string Second { get; set; }

    /// <summary>Request: version. Response: reason phrase.</summary>
    public string Third { get; set; }

    public List<KeyValuePair<string, string>> Headers { get; } = [];

    public string Method => First;

    public string Target => Second;

    public int StatusCode => int.TryParse(Second, out int code) ? code : 0;

    public static HttpHead? TryParse(string text, bool isRequest, out string? error)
    {
        string[] lines = text[..^4].Split("\r\n");
        foreach (string line in lines)
        {
            if (line.Contains('\r', StringComparison.Ordinal) || line.Contains('\n', StringComparison.Ordinal) || line.Contains('\0', StringComparison.Ordinal))
            {
                error = "bare CR, LF or NUL in head";
                return null;
            }
        }

        HttpHead? head = isRequest ? ParseRequestLine(lines[0]) : ParseStatusLine(lines[0]);
        if (head is null)
        {
            error = isRequest ? "malformed request line" : "malformed status line";
            return null;
        }

        for (int i = 1; i < lines.Length; i++)
        {
            string line = lines[i];
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !IsToken(line.AsSpan(0, colon)))
            {
                error = "malformed header line";
                return null;
            }

            head.Headers.Add(new(line[..colon], line[(colon + 1)..].Trim(' ', '\t')));
        }

        error = null;
        return head;
    }

    public static HttpHead CreateRequest(string method, string target) => new(method, target, "HTTP/1.1");

    public static HttpHead CreateResponse(int status, string reason) =>
        new("HTTP/1.1", status.ToString(System.Globalization.CultureInfo.InvariantCulture), reason);

    public string? Get(string name)
    {
        foreach (KeyValuePair<string, string> h in Headers)
        {
            if (string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return h.Value;
            }
        }

        return null;
    }

    public int Count(string name) => Headers.Count(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));

    public void Remove(string name) => Headers.RemoveAll(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));

    public void Set(string name, string value)
    {
        Remove(name);
        Headers.Add(new(name, value));
    }

    public byte[] ToBytes()
    {
        StringBuilder sb = new(256);
        sb.Append(First).Append(' ').Append(Second).Append(' ').Append(Third).Append("\r\n");
        foreach (KeyValuePair<string, string> h in Headers)
        {
            sb.Append(h.Key).Append(": ").Append(h.Value).Append("\r\n");
        }

        sb.Append("\r\n");
        return Encoding.Latin1.GetBytes(sb.ToString());
    }

    public static bool IsToken(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty)
        {
            return false;
        }

        foreach (char c in s)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal)))
            {
                return false;
            }
        }

        return true;
    }

    private static HttpHead? ParseRequestLine(string line)
    {
        string[] parts = line.Split(' ');
        if (parts.Length != 3 || !IsToken(parts[0]) || parts[1].Length == 0 || parts[2] is not ("HTTP/1.1" or "HTTP/1.0"))
        {
            return null;
        }

        foreach (char c in parts[1])
        {
            if (c <= ' ' || c >= (char)0x7f)
            {
                return null;
            }
        }

        return new HttpHead(parts[0], parts[1], parts[2]);
    }

    private static HttpHead? ParseStatusLine(string line)
    {
        string[] parts = line.Split(' ', 3);
        if (parts.Length < 2 || !parts[0].StartsWith("HTTP/1.", StringComparison.Ordinal)
            || parts[1].Length != 3 || !parts[1].All(char.IsAsciiDigit))
        {
            return null;
        }

        return new HttpHead(parts[0], parts[1], parts.Length == 3 ? parts[2] : string.Empty);
    }
}
