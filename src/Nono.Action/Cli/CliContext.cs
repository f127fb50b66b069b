namespace Nono.Action.Cli;

/// <summary>
/// What a command may touch of the outside world: its writers, environment and working directory.
/// Tests pass their own so they never mutate process-wide state.
/// </summary>
internal sealed record CliContext(
    TextWriter Output,
    TextWriter Error,
    IReadOnlyDictionary<string, string> Environment,
    string CurrentDirectory)
{
    public static CliContext FromProcess()
    {
        Dictionary<string, string> env = new(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            env[(string)entry.Key] = (string?)entry.Value ?? "";
        }

        return new CliContext(Console.Out, Console.Error, env, Directory.GetCurrentDirectory());
    }

    public string? GetEnv(string name) => Environment.TryGetValue(name, out string? value) ? value : null;
}
