namespace Nono.Core.Proxy;

/// <summary>The upstream proxy URL as messages may show it: never its user:password.</summary>
public static class UpstreamProxyText
{
    /// <summary>The variable that carries an upstream proxy with credentials (a command line is readable by every process).</summary>
    public const string EnvironmentVariable = "NONO_UPSTREAM_PROXY";

    /// <summary>Whether <paramref name="url"/> (parsable or not) carries userinfo before its host.</summary>
    public static bool HasUserInfo(string url) => UserInfoRange(url) is not null;

    /// <summary><paramref name="url"/> with any userinfo replaced by <c>***</c>.</summary>
    public static string Redact(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return UserInfoRange(url) is (int start, int end) ? string.Concat(url.AsSpan(0, start), "***", url.AsSpan(end)) : url;
    }

    /// <summary>
    /// [start, end) of the userinfo: after "scheme://" (or the start) up to the last '@' anywhere. Not only before the
    /// path: a password with an unescaped '/', '?' or '#' would otherwise be printed whole (review of session 10); an
    /// '@' in a real path only hides more than needed.
    /// </summary>
    private static (int Start, int End)? UserInfoRange(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        int scheme = url.IndexOf("://", StringComparison.Ordinal);
        int start = scheme < 0 ? 0 : scheme + 3;
        int at = url.LastIndexOf('@');
        return at < start ? null : (start, at);
    }
}
