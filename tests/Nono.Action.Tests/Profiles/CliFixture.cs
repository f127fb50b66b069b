using Nono.Action.Cli;
using Nono.Testing;

namespace Nono.Action.Tests.Profiles;

/// <summary>A temporary HOME and working directory, and a way to run the CLI in-process against them.</summary>
internal sealed class CliFixture : IDisposable
{
    private readonly TempDirectory _root = new("nono-cli-");

    public CliFixture()
    {
        Home = Directory.CreateDirectory(_root.Combine("home")).FullName;
        Workdir = Directory.CreateDirectory(_root.Combine("work")).FullName;
        // Like `nono run`, point TMPDIR at a private directory so temp_write does not grant all of /tmp
        // (where the test's own directories live).
        string tmp = Directory.CreateDirectory(_root.Combine("tmp")).FullName;
        Environment = new Dictionary<string, string>(StringComparer.Ordinal) { ["HOME"] = Home, ["PATH"] = "/usr/bin:/bin", ["TMPDIR"] = tmp };
    }

    public string Root => _root.Path;

    public string Home { get; }

    public string Workdir { get; }

    public Dictionary<string, string> Environment { get; }

    /// <summary>Nono's state directory for this home (no XDG_STATE_HOME set).</summary>
    public string StateDirectory => Path.Combine(Home, ".local", "state", "nono");

    public string UserProfiles => Path.Combine(Home, ".config", "nono", "profiles");

    public string Write(string relativePath, string content)
    {
        string path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!); // a combined path always has a parent
        File.WriteAllText(path, content);
        return path;
    }

    public CliResult Run(params string[] args)
    {
        using StringWriter output = new();
        using StringWriter error = new();
        int exit = NonoCli.Run(args, new CliContext(output, error, Environment, Workdir));
        return new CliResult(exit, output.ToString(), error.ToString());
    }

    public void Dispose() => _root.Dispose();
}
