namespace Nono.Core.Proxy;

/// <summary>Matches URL paths segment by segment: <c>*</c> is one segment, <c>**</c> any number (including none).</summary>
internal static class PathGlob
{
    public static bool IsValid(string pattern) => pattern.StartsWith('/');

    public static bool Matches(string pattern, string path)
    {
        string[] p = pattern.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string[] s = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return Match(p, 0, s, 0);
    }

    private static bool Match(string[] p, int i, string[] s, int j)
    {
        if (i == p.Length)
        {
            return j == s.Length;
        }

        if (p[i] == "**")
        {
            for (int k = j; k <= s.Length; k++)
            {
                if (Match(p, i + 1, s, k))
                {
                    return true;
                }
            }

            return false;
        }

        return j < s.Length && (p[i] == "*" || string.Equals(p[i], s[j], StringComparison.Ordinal)) && Match(p, i + 1, s, j + 1);
    }
}
