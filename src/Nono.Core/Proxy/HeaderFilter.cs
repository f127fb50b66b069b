namespace Nono.Core.Proxy;

/// <summary>Removes hop-by-hop and proxy headers (RFC 9110 section 7.6.1) before a head crosses the proxy.</summary>
internal static class HeaderFilter
{
    private static readonly string[] s_hopByHop =
    [
        "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Upgrade",
    ];

    /// <summary>
    /// Strips hop-by-hop headers, every header named in <c>Connection</c>, and every <c>Proxy-*</c> header.
    /// <c>Transfer-Encoding</c> and <c>Content-Length</c> stay: bodies are relayed with their original framing.
    /// </summary>
    public static void StripHopByHop(HttpHead head)
    {
        List<string> named = [];
        foreach (KeyValuePair<string, string> h in head.Headers)
        {
            if (string.Equals(h.Key, "Connection", StringComparison.OrdinalIgnoreCase))
            {
                foreach (string token in h.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    if (!string.Equals(token, "Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
                        && !string.Equals(token, "Content-Length", StringComparison.OrdinalIgnoreCase))
                    {
                        named.Add(token);
                    }
                }
            }
        }

        head.Headers.RemoveAll(h =>
            s_hopByHop.Contains(h.Key, StringComparer.OrdinalIgnoreCase)
            || named.Contains(h.Key, StringComparer.OrdinalIgnoreCase)
            || h.Key.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase));
    }
}
