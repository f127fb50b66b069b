namespace Nono.Core.Audit;

/// <summary>
/// Redacts secrets from a command line before it is recorded: every occurrence of a known secret
/// value, the value of <c>--flag=value</c> / <c>--flag value</c> options and <c>NAME=value</c>
/// assignments whose name looks secret (token, secret, password, key, credential, auth).
/// </summary>
public static class CommandRedactor
{
    /// <summary>What a redacted value is replaced with.</summary>
    public const string Mask = "[REDACTED]";

    private static readonly string[] s_secretWords = ["token", "secret", "password", "passwd", "key", "credential", "auth", "cookie"];

    /// <summary>Returns a redacted copy of <paramref name="argv"/>.</summary>
    public static IReadOnlyList<string> Redact(IReadOnlyList<string> argv, IEnumerable<string>? knownSecrets = null)
    {
        ArgumentNullException.ThrowIfNull(argv);
        string[] secrets = [.. (knownSecrets ?? []).Where(s => s.Length >= 4).OrderByDescending(s => s.Length)];
        List<string> result = new(argv.Count);
        bool redactNext = false;
        foreach (string arg in argv)
        {
            string value = arg;
            foreach (string secret in secrets)
            {
                value = value.Replace(secret, Mask, StringComparison.Ordinal);
            }

            if (redactNext)
            {
                value = Mask;
                redactNext = false;
            }
            else if (value.StartsWith('-'))
            {
                int eq = value.IndexOf('=', StringComparison.Ordinal);
                string name = eq < 0 ? value : value[..eq];
                if (LooksSecret(name))
                {
                    if (eq < 0)
                    {
                        redactNext = true;
                    }
                    else
                    {
                        value = name + "=" + Mask;
                    }
                }
            }
            else if (value.IndexOf('=', StringComparison.Ordinal) is > 0 and int eq && LooksSecret(value[..eq]))
            {
                value = value[..eq] + "=" + Mask;
            }

            result.Add(value);
        }

        return result;
    }

    private static bool LooksSecret(string name)
    {
        foreach (string word in s_secretWords)
        {
            if (name.Contains(word, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
