namespace Nono.Core.Proxy;

/// <summary>
/// Matches a credential-route request against the route's <see cref="CredentialService.DeniedEndpoints"/>. Matching is
/// wider than any upstream's routing, never narrower: path segments are percent-decoded and compared ignoring case, a
/// format suffix on the last segment (<c>.json</c>) is dropped, and the method counts together with any method-override
/// header or <c>_method</c> parameter (a rule's <c>*</c> method matches every method but a plain GET, HEAD or OPTIONS).
/// </summary>
internal static class EndpointDenials
{
    private static readonly string[] s_overrideHeaders = ["X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"];

    /// <summary>The first denied endpoint the request matches, or null.</summary>
    public static EndpointRule? Find(CredentialService service, HttpHead head, string path, string? query)
    {
        if (service.DeniedEndpoints.Count == 0)
        {
            return null;
        }

        List<string> methods = [head.Method];
        foreach (string name in s_overrideHeaders)
        {
            if (head.Get(name) is string value)
            {
                methods.Add(value.Trim());
            }
        }

        bool anyMethod = query is not null && query.Split('&').Any(p => p.StartsWith("_method=", StringComparison.OrdinalIgnoreCase));
        bool readOnly = !anyMethod && methods.Count == 1 && head.Method.ToUpperInvariant() is "GET" or "HEAD" or "OPTIONS";
        string normalised = Normalise(path);
        foreach (EndpointRule rule in service.DeniedEndpoints)
        {
            bool methodMatches = rule.Method == "*"
                ? !readOnly
                : anyMethod || methods.Any(m => string.Equals(m, rule.Method, StringComparison.OrdinalIgnoreCase));
            if (methodMatches && PathGlob.Matches(rule.PathGlob.ToLowerInvariant(), normalised))
            {
                return rule;
            }
        }

        return null;
    }

    /// <summary>The path as the denies compare it: segments percent-decoded and lower-cased, no empty segment, no format suffix.</summary>
    internal static string Normalise(string path)
    {
        string[] segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < segments.Length; i++)
        {
            segments[i] = Uri.UnescapeDataString(segments[i]).ToLowerInvariant();
        }

        if (segments.Length > 0 && segments[^1].IndexOf('.', StringComparison.Ordinal) is > 0 and int dot)
        {
            segments[^1] = segments[^1][..dot]; // a format suffix (.json, .xml): no denied path ends in a dotted segment
        }

        return "/" + string.Join('/', segments);
    }
}
