namespace Nono.Core.Trust.Instructions;

/// <summary>
/// Matches a Fulcio certificate identity against a keyless publisher. GitHub Actions certificates
/// carry the SAN URI <c>https://github.com/OWNER/REPO/WORKFLOW_PATH@REF</c>.
/// </summary>
internal static class KeylessIdentity
{
    public static string GitHubSan(string repository, string workflow, string gitRef) => $"https://github.com/{repository}/{workflow}@{gitRef}";

    public static bool Matches(TrustPublisher publisher, string san)
    {
        if (publisher.Repository is null || publisher.Workflow is null || publisher.RefPattern is null)
        {
            return false;
        }

        string prefix = $"https://github.com/{publisher.Repository}/{publisher.Workflow}@";
        return san.StartsWith(prefix, StringComparison.Ordinal) && Wildcard(publisher.RefPattern, san[prefix.Length..]);
    }

    /// <summary>Ordinal match where <c>*</c> matches any run of characters (iterative, no backtracking blow-up).</summary>
    internal static bool Wildcard(string pattern, string text)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (p < pattern.Length && pattern[p] == text[t])
            {
                p++;
                t++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
