using System.Text.RegularExpressions;

namespace Nono.Core.Snapshots;

/// <summary>Session identifiers name a directory, so they are restricted to a safe alphabet (no '/', no "..").</summary>
public static partial class SessionId
{
    /// <summary>True when <paramref name="id"/> is 1..128 characters of [A-Za-z0-9._-], starting with a letter or digit.</summary>
    public static bool IsValid(string? id) => id is not null && Pattern().IsMatch(id);

    /// <summary>A new id of the form yyyyMMddTHHmmssZ-xxxxxxxx that sorts by time.</summary>
    public static string New(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return time.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture)
            + "-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
