namespace Nono.Action.Tests.Install;

/// <summary>
/// The Debian mirror, suite and keyring this machine's apt uses (deb822 <c>*.sources</c> or one-line
/// <c>sources.list</c>), so debootstrap fetches from the same place apt reaches.
/// </summary>
internal sealed record AptSource(string Mirror, string Suite, string? Keyring)
{
    public static AptSource Read()
    {
        List<AptSource> found = [];
        string listDir = "/etc/apt/sources.list.d";
        if (Directory.Exists(listDir))
        {
            foreach (string file in Directory.GetFiles(listDir, "*.sources").Order(StringComparer.Ordinal))
            {
                found.AddRange(FromDeb822(File.ReadAllText(file)));
            }
        }

        if (File.Exists("/etc/apt/sources.list"))
        {
            found.AddRange(FromOneLine(File.ReadAllLines("/etc/apt/sources.list")));
        }

        // The release suite itself (bookworm), not -updates, -backports or the security archive.
        return found.FirstOrDefault(s => !s.Suite.Contains('-', StringComparison.Ordinal) && !s.Mirror.Contains("security", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("no Debian 'deb' source with a release suite in /etc/apt/sources.list(.d)");
    }

    private static IEnumerable<AptSource> FromDeb822(string text)
    {
        foreach (string stanza in text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            Dictionary<string, string> fields = new(StringComparer.OrdinalIgnoreCase);
            foreach (string line in stanza.Split('\n'))
            {
                int colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0 && !line.StartsWith('#') && !char.IsWhiteSpace(line[0]))
                {
                    fields[line[..colon].Trim()] = line[(colon + 1)..].Trim();
                }
            }

            if (!fields.TryGetValue("Types", out string? types) || !types.Split(' ').Contains("deb")
                || !fields.TryGetValue("URIs", out string? uris) || !fields.TryGetValue("Suites", out string? suites))
            {
                continue;
            }

            string? keyring = fields.GetValueOrDefault("Signed-By");
            foreach (string suite in suites.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                yield return new AptSource(uris.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], suite, keyring is not null && File.Exists(keyring) ? keyring : null);
            }
        }
    }

    private static IEnumerable<AptSource> FromOneLine(IEnumerable<string> lines)
    {
        foreach (string line in lines)
        {
            // deb [options] URI SUITE COMPONENTS...
            string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length < 3 || words[0] != "deb")
            {
                continue;
            }

            int at = words[1].StartsWith('[') ? Array.FindIndex(words, w => w.EndsWith(']')) + 1 : 1;
            if (at > 0 && at + 1 < words.Length)
            {
                yield return new AptSource(words[at], words[at + 1], null);
            }
        }
    }
}
