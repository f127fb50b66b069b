using System.Globalization;
using System.Text;

namespace Nono.Core.Audit.Observers;

/// <summary>
/// One Landlock audit record, parsed from its text (<c>audit(1729738800.221:33): domain=1a6fdc679 blockers=fs.write_file
/// path="/etc/passwd" dev="vda2" ino=143821</c>). Fields follow Documentation/admin-guide/LSM/landlock.rst.
/// </summary>
/// <param name="Serial">The audit event's serial (records of one event share it).</param>
/// <param name="Fields">The key=value fields; quoted values unquoted, hex-encoded untrusted strings decoded.</param>
internal sealed record LandlockAuditRecord(ulong Serial, IReadOnlyDictionary<string, string> Fields)
{
    // Fields the kernel writes with audit_log_untrustedstring: quoted when plain, hex when they hold spaces or quotes.
    private static readonly HashSet<string> s_untrusted = ["path", "exe", "comm", "ocomm", "name"];

    public string? Domain => Fields.GetValueOrDefault("domain");

    /// <summary>Parses a record's text; null when it is not in the expected shape.</summary>
    public static LandlockAuditRecord? Parse(string text)
    {
        const string prefix = "audit(";
        int open = text.IndexOf(prefix, StringComparison.Ordinal);
        int close = open < 0 ? -1 : text.IndexOf("): ", open, StringComparison.Ordinal);
        if (close < 0)
        {
            return null;
        }

        int colon = text.LastIndexOf(':', close);
        if (colon < open || !ulong.TryParse(text.AsSpan(colon + 1, close - colon - 1), NumberStyles.None, CultureInfo.InvariantCulture, out ulong serial))
        {
            return null;
        }

        Dictionary<string, string> fields = new(StringComparer.Ordinal);
        ReadOnlySpan<char> rest = text.AsSpan(close + 3);
        while (!rest.IsEmpty)
        {
            rest = rest.TrimStart(' ');
            int equals = rest.IndexOf('=');
            if (equals <= 0)
            {
                break;
            }

            string key = rest[..equals].ToString();
            rest = rest[(equals + 1)..];
            string value;
            if (!rest.IsEmpty && rest[0] == '"')
            {
                int end = rest[1..].IndexOf('"');
                if (end < 0)
                {
                    return null;
                }

                value = rest.Slice(1, end).ToString();
                rest = rest[(end + 2)..];
            }
            else
            {
                int end = rest.IndexOf(' ');
                value = (end < 0 ? rest : rest[..end]).ToString();
                rest = end < 0 ? [] : rest[end..];
                if (s_untrusted.Contains(key) && DecodeHex(value) is string decoded)
                {
                    value = decoded;
                }
            }

            fields[key] = value;
        }

        return new LandlockAuditRecord(serial, fields);
    }

    private static string? DecodeHex(string value)
    {
        if (value.Length == 0 || value.Length % 2 != 0 || !value.All(char.IsAsciiHexDigit))
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(Convert.FromHexString(value));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
