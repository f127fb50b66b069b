namespace Nono.Action.Tests.ActionMode;

/// <summary>
/// The workflow commands that take effect when the runner reads a step's output (actions/runner ActionCommandManager
/// and ActionCommand.TryParseV2/TryParse): lines as StreamReader.ReadLine splits them (\n, \r, \r\n);
/// <c>::cmd k=v,k=v::data</c> once the line is trimmed, otherwise the legacy <c>##[cmd k=v;k=v]data</c> anywhere in the
/// line; only registered commands count; <c>::stop-commands::TOKEN</c> ignores every command until <c>::TOKEN::</c>.
/// </summary>
internal static class RunnerCommandLog
{
    private static readonly string[] s_commands =
    [
        "set-output", "set-env", "add-path", "add-mask", "stop-commands", "error", "warning", "notice", "debug",
        "group", "endgroup", "echo", "save-state", "add-matcher", "remove-matcher",
    ];

    internal sealed record Command(string Name, IReadOnlyDictionary<string, string> Properties, string Data);

    public static List<Command> Parse(string output)
    {
        List<Command> effective = [];
        string? stopToken = null;
        foreach (string line in Lines(output))
        {
            HashSet<string> registered = new(s_commands, StringComparer.OrdinalIgnoreCase);
            if (stopToken is not null)
            {
                registered.Add(stopToken);
            }

            if ((ParseV2(line, registered) ?? ParseLegacy(line, registered)) is not { } command)
            {
                continue;
            }

            if (stopToken is not null)
            {
                if (string.Equals(command.Name, stopToken, StringComparison.OrdinalIgnoreCase))
                {
                    stopToken = null;
                }

                continue;
            }

            // The runner refuses an empty token and one that is a command's name.
            if (command.Name.Equals("stop-commands", StringComparison.OrdinalIgnoreCase) && command.Data.Length > 0 && !registered.Contains(command.Data))
            {
                stopToken = command.Data;
            }

            effective.Add(command);
        }

        return effective;
    }

    /// <summary>The step outputs as the runner ends up with them: set-output on the streams first, GITHUB_OUTPUT applied after.</summary>
    public static Dictionary<string, string> Outputs(IEnumerable<Command> commands, Dictionary<string, string> fileOutputs)
    {
        Dictionary<string, string> outputs = [];
        foreach (Command c in commands.Where(c => c.Name.Equals("set-output", StringComparison.OrdinalIgnoreCase)))
        {
            outputs[c.Properties.GetValueOrDefault("name", "")] = c.Data;
        }

        foreach ((string name, string value) in fileOutputs)
        {
            outputs[name] = value;
        }

        return outputs;
    }

    private static IEnumerable<string> Lines(string output)
    {
        using StringReader reader = new(output);
        while (reader.ReadLine() is { } line)
        {
            yield return line;
        }
    }

    private static Command? ParseV2(string line, HashSet<string> registered)
    {
        string trimmed = line.Trim();
        int end = trimmed.StartsWith("::", StringComparison.Ordinal) ? trimmed.IndexOf("::", 2, StringComparison.Ordinal) : -1;
        if (end < 0)
        {
            return null;
        }

        return Build(trimmed[2..end], ',', trimmed[(end + 2)..], registered);
    }

    private static Command? ParseLegacy(string line, HashSet<string> registered)
    {
        int start = line.IndexOf("##[", StringComparison.Ordinal);
        int end = start < 0 ? -1 : line.IndexOf(']', start);
        return end < 0 ? null : Build(line[(start + 3)..end], ';', line[(end + 1)..], registered);
    }

    private static Command? Build(string info, char separator, string data, HashSet<string> registered)
    {
        int space = info.IndexOf(' ', StringComparison.Ordinal);
        string name = space < 0 ? info : info[..space];
        if (!registered.Contains(name))
        {
            return null;
        }

        Dictionary<string, string> properties = [];
        foreach (string pair in space < 0 ? [] : info[(space + 1)..].Split(separator, StringSplitOptions.RemoveEmptyEntries))
        {
            string[] kv = pair.Split('=', 2);
            if (kv.Length == 2)
            {
                properties[kv[0]] = Unescape(kv[1]).Replace("%3A", ":", StringComparison.Ordinal).Replace("%2C", ",", StringComparison.Ordinal);
            }
        }

        return new Command(name, properties, Unescape(data));
    }

    private static string Unescape(string value) =>
        value.Replace("%0D", "\r", StringComparison.Ordinal).Replace("%0A", "\n", StringComparison.Ordinal).Replace("%25", "%", StringComparison.Ordinal);
}
