using System.Security.Cryptography;
using System.Text;

namespace Nono.Core.Proxy;

/// <summary>
/// Checks that a request on a credential route carries exactly this route's phantom token in the place its inject mode
/// names, and swaps it for the real credential. Comparisons are constant-time.
/// </summary>
internal static class CredentialInjector
{
    public static bool TryInject(ResolvedService route, HttpHead head, ref string path, ref string? query)
    {
        CredentialService svc = route.Service;
        return svc.InjectMode switch
        {
            InjectMode.Header => InjectHeader(route, head),
            InjectMode.BasicAuth => InjectBasic(route, head),
            InjectMode.QueryParam => InjectQuery(route, ref query),
            InjectMode.UrlPath => InjectPath(route, ref path),
            _ => false,
        };
    }

    /// <summary>Formats a credential: <c>{}</c> in <paramref name="format"/> stands for it.</summary>
    public static string Format(string format, string credential) => format.Replace("{}", credential, StringComparison.Ordinal);

    private static bool InjectHeader(ResolvedService route, HttpHead head)
    {
        CredentialService svc = route.Service;
        if (head.Count(svc.InjectHeader) != 1
            || !FixedEquals(head.Get(svc.InjectHeader) ?? string.Empty, Format(svc.CredentialFormat, route.PhantomToken)))
        {
            return false;
        }

        head.Set(svc.InjectHeader, Format(svc.CredentialFormat, route.RealCredential));
        return true;
    }

    private static bool InjectBasic(ResolvedService route, HttpHead head)
    {
        string value = head.Count("Authorization") == 1 ? head.Get("Authorization") ?? string.Empty : string.Empty;
        if (!value.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(value[6..].Trim()));
        }
        catch (FormatException)
        {
            return false;
        }

        int colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || !FixedEquals(decoded[(colon + 1)..], route.PhantomToken))
        {
            return false;
        }

        // A credential "user:password" is used as is; a bare secret keeps the child's user name.
        string real = route.RealCredential.Contains(':', StringComparison.Ordinal)
            ? route.RealCredential
            : decoded[..colon] + ":" + route.RealCredential;
        head.Set("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(real)));
        return true;
    }

    private static bool InjectQuery(ResolvedService route, ref string? query)
    {
        if (query is null)
        {
            return false;
        }

        string name = route.Service.QueryParameter;
        string[] pairs = query.Split('&');
        int found = -1;
        for (int i = 0; i < pairs.Length; i++)
        {
            int eq = pairs[i].IndexOf('=', StringComparison.Ordinal);
            string key = Uri.UnescapeDataString(eq >= 0 ? pairs[i][..eq] : pairs[i]);
            if (string.Equals(key, name, StringComparison.Ordinal))
            {
                if (found >= 0 || eq < 0 || !FixedEquals(Uri.UnescapeDataString(pairs[i][(eq + 1)..]), route.PhantomToken))
                {
                    return false;
                }

                found = i;
            }
        }

        if (found < 0)
        {
            return false;
        }

        pairs[found] = Uri.EscapeDataString(name) + "=" + Uri.EscapeDataString(route.RealCredential);
        query = string.Join('&', pairs);
        return true;
    }

    private static bool InjectPath(ResolvedService route, ref string path)
    {
        string phantom = Format(route.Service.CredentialFormat, route.PhantomToken);
        int at = path.IndexOf(phantom, StringComparison.Ordinal);
        if (at < 0 || path.IndexOf(phantom, at + 1, StringComparison.Ordinal) >= 0)
        {
            return false;
        }

        path = path[..at] + Format(route.Service.CredentialFormat, Uri.EscapeDataString(route.RealCredential)) + path[(at + phantom.Length)..];
        return true;
    }

    private static bool FixedEquals(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));
}
