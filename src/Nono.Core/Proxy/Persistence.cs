namespace Nono.Core.Proxy;

/// <summary>HTTP/1.1 connection persistence rules (RFC 9112 section 9.3) as they apply to the client side of the proxy.</summary>
internal static class Persistence
{
    /// <summary>
    /// Whether the client lets the connection carry another request: HTTP/1.1 without a <c>close</c> option in
    /// <c>Connection</c> or <c>Proxy-Connection</c>. HTTP/1.0 clients get one request (no keep-alive negotiation).
    /// </summary>
    public static bool ClientAllows(HttpHead request) =>
        string.Equals(request.Third, "HTTP/1.1", StringComparison.Ordinal)
        && !HasOption(request, "Connection", "close")
        && !HasOption(request, "Proxy-Connection", "close");

    /// <summary>
    /// Whether the response can be followed by another one on the client connection: its end must be known without
    /// closing. The upstream's own <c>Connection: close</c> is about the upstream connection only.
    /// </summary>
    public static bool ResponseAllows(HttpHead response, BodyFraming framing) =>
        framing != BodyFraming.UntilClose && response.StatusCode != 101;

    /// <summary>
    /// Whether the upstream lets its connection carry another request (RFC 9112 section 9.3): an HTTP/1.1 response
    /// without a <c>close</c> option. Read before hop-by-hop headers are stripped.
    /// </summary>
    public static bool UpstreamAllows(HttpHead response) =>
        string.Equals(response.First, "HTTP/1.1", StringComparison.Ordinal) && !HasOption(response, "Connection", "close");

    /// <summary>
    /// How long the upstream said it keeps an idle connection (<c>Keep-Alive: timeout=N</c>), less a second of margin for
    /// the FIN in flight, never above <paramref name="limit"/>; <paramref name="limit"/> when it said nothing readable.
    /// </summary>
    public static TimeSpan UpstreamIdleLimit(HttpHead response, TimeSpan limit)
    {
        foreach (KeyValuePair<string, string> h in response.Headers)
        {
            if (!string.Equals(h.Key, "Keep-Alive", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (string parameter in h.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                string[] pair = parameter.Split('=', 2, StringSplitOptions.TrimEntries);
                if (pair.Length == 2 && string.Equals(pair[0], "timeout", StringComparison.OrdinalIgnoreCase)
                    && int.TryParse(pair[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int seconds))
                {
                    TimeSpan announced = TimeSpan.FromSeconds(Math.Max(0, seconds - 1));
                    return announced < limit ? announced : limit;
                }
            }
        }

        return limit;
    }

    private static bool HasOption(HttpHead head, string header, string option)
    {
        foreach (KeyValuePair<string, string> h in head.Headers)
        {
            if (!string.Equals(h.Key, header, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (string token in h.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (string.Equals(token, option, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
