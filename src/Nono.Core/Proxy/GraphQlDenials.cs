namespace Nono.Core.Proxy;

/// <summary>
/// Matches a credential-route request to a GraphQL endpoint against the route's
/// <see cref="CredentialService.DeniedGraphQlMutations"/>. The endpoint is the upstream path <c>/graphql</c>
/// (api.github.com) or <c>/api/graphql</c> (GitHub Enterprise Server), normalised as the endpoint denies are (case,
/// percent-encoding, trailing slash, format suffix), whatever the method. An entry matches a mutation field named so,
/// or any camel-case word of its name (<c>key</c> matches <c>createDeployKey</c> and <c>addSsh_key</c>), ignoring case.
/// </summary>
internal static class GraphQlDenials
{
    /// <summary>Requests larger than this are refused unread (413): they cannot be checked.</summary>
    public const int MaxBody = 1024 * 1024;

    /// <summary>Whether requests of <paramref name="service"/> to <paramref name="upstreamPath"/> must be checked.</summary>
    public static bool Applies(CredentialService service, string upstreamPath) =>
        service.DeniedGraphQlMutations.Count > 0 && EndpointDenials.Normalise(upstreamPath) is "/graphql" or "/api/graphql";

    /// <summary>The first of <paramref name="fields"/> that an entry of <paramref name="service"/> denies, or null.</summary>
    public static string? FindDenied(CredentialService service, IReadOnlyList<string> fields)
    {
        foreach (string field in fields)
        {
            string[] words = Words(field);
            if (service.DeniedGraphQlMutations.Any(entry =>
                    string.Equals(entry, field, StringComparison.OrdinalIgnoreCase) || words.Contains(entry, StringComparer.OrdinalIgnoreCase)))
            {
                return field;
            }
        }

        return null;
    }

    /// <summary>The camel-case words of a GraphQL name: <c>createSSHKey_v2</c> gives create, SSH, Key, v2.</summary>
    internal static string[] Words(string name)
    {
        List<string> words = [];
        int start = 0;
        for (int i = 1; i <= name.Length; i++)
        {
            bool boundary = i == name.Length || name[i] == '_'
                || (char.IsAsciiLetterUpper(name[i]) && !char.IsAsciiLetterUpper(name[i - 1]))
                || (char.IsAsciiLetterUpper(name[i]) && i + 1 < name.Length && char.IsAsciiLetterLower(name[i + 1]) && char.IsAsciiLetterUpper(name[i - 1]));
            if (boundary)
            {
                if (i > start && name[start] != '_')
                {
                    words.Add(name[start..i]);
                }
                else if (i > start + 1)
                {
                    words.Add(name[(start + 1)..i]);
                }

                start = i;
            }
        }

        return [.. words];
    }
}
