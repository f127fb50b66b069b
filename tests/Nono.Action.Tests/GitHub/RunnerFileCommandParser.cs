namespace Nono.Action.Tests.GitHub;

/// <summary>Parses a file command the way the runner's FileCommandManager does (heredoc or name=value lines).</summary>
internal static class RunnerFileCommandParser
{
    public static List<KeyValuePair<string, string>> Parse(string content)
    {
        List<KeyValuePair<string, string>> entries = [];
        string[] lines = content.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            if (line.Length == 0)
            {
                continue;
            }

            int heredoc = line.IndexOf("<<", StringComparison.Ordinal);
            int equals = line.IndexOf('=', StringComparison.Ordinal);
            if (heredoc > 0 && (equals < 0 || heredoc < equals))
            {
                string name = line[..heredoc];
                string delimiter = line[(heredoc + 2)..];
                List<string> value = [];
                i++;
                while (i < lines.Length && lines[i] != delimiter)
                {
                    value.Add(lines[i]);
                    i++;
                }

                if (i >= lines.Length)
                {
                    throw new FormatException($"unterminated heredoc for {name}");
                }

                entries.Add(new(name, string.Join('\n', value)));
            }
            else
            {
                entries.Add(new(line[..equals], line[(equals + 1)..]));
            }
        }

        return entries;
    }
}
