using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Nono.Testing;
using YamlDotNet.RepresentationModel;

namespace Nono.Action.Tests.ActionMode;

/// <summary>
/// A simulated runner executing the composite action's "run" and "gate" steps from action.yml, with the
/// step environment built from the file's own <c>env:</c> mappings, a real git checkout with a persisted
/// checkout token, and the runner's file commands as real files.
/// </summary>
internal sealed partial class ActionStep : IDisposable
{
    private readonly TempDirectory _root = new("nono-runner-");

    public ActionStep(TestUser user)
    {
        User = user;
        Workspace = Dir("work", "repo");
        RunnerTemp = Dir("temp");
        Home = Dir("home");
        RunnerToken = "ghs_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(18));
        CheckoutHeader = "AUTHORIZATION: basic " + Convert.ToBase64String(RandomNumberGenerator.GetBytes(27));
        Git("init", "-q");
        Git("config", "user.email", "t@example.invalid");
        Git("config", "user.name", "t");
        Directory.CreateDirectory(Path.Combine(Workspace, ".github", "workflows"));
        File.WriteAllText(Path.Combine(Workspace, ".github", "workflows", "ci.yml"), "on: push\n");
        File.WriteAllText(Path.Combine(Workspace, "app.py"), "print('a')\n");
        Git("add", "-A");
        Git("commit", "-qm", "init");
        Git("config", "--local", "http.https://github.com/.extraheader", CheckoutHeader);
        File.WriteAllText(Path.Combine(RunnerTemp, "event.json"), "{}");
        if (user == TestUser.Nobody)
        {
            ProcessRunner.RunAsync("chown", ["-R", "65534:65534", _root.Path]).GetAwaiter().GetResult();
        }
    }

    public TestUser User { get; }

    public string Workspace { get; }

    public string RunnerTemp { get; }

    public string Home { get; }

    public string RunnerToken { get; }

    public string CheckoutHeader { get; }

    /// <summary>More job environment for the run step (e.g. the OIDC request variables of <c>id-token: write</c>).</summary>
    public Dictionary<string, string> JobEnvironment { get; } = [];

    /// <summary>The workflow commands of the last run step that took effect on the simulated runner.</summary>
    public IReadOnlyList<RunnerCommandLog.Command> Commands { get; private set; } = [];

    public string OutputFile => Path.Combine(RunnerTemp, "output");

    public string SummaryFile => Path.Combine(RunnerTemp, "summary.md");

    /// <summary>Runs the "run" step with the given inputs (others take action.yml's defaults), then the gate step.</summary>
    public async Task<(ProcessResult Step, ProcessResult Gate, Dictionary<string, string> Outputs)> RunAsync(Dictionary<string, string> inputs)
    {
        YamlMappingNode action = Load();
        Dictionary<string, string> defaults = ((YamlMappingNode)action["inputs"]).Children.ToDictionary(
            k => ((YamlScalarNode)k.Key).Value!,
            v => ((YamlMappingNode)v.Value).Children.TryGetValue(new YamlScalarNode("default"), out YamlNode? d) ? ((YamlScalarNode)d).Value ?? "" : "");
        YamlMappingNode[] steps = [.. ((YamlSequenceNode)((YamlMappingNode)action["runs"])["steps"]).OfType<YamlMappingNode>()];
        YamlMappingNode runStep = steps.Single(s => s.Children.TryGetValue(new YamlScalarNode("id"), out YamlNode? id) && ((YamlScalarNode)id).Value == "run");
        YamlMappingNode gateStep = steps.Single(s => ((YamlScalarNode)s["name"]).Value == "Gate on the result");

        Dictionary<string, string> env = RunnerEnvironment();
        foreach ((string name, string value) in JobEnvironment)
        {
            env[name] = value;
        }

        foreach ((YamlNode key, YamlNode value) in ((YamlMappingNode)runStep["env"]).Children)
        {
            env[((YamlScalarNode)key).Value!] = Expression().Replace(((YamlScalarNode)value).Value!, m =>
                inputs.TryGetValue(m.Groups[1].Value, out string? given) ? given : defaults[m.Groups[1].Value] == "${{ github.token }}" ? "" : defaults[m.Groups[1].Value]);
        }

        ProcessResult step = await ProcessRunner.RunAsync("bash", ["-c", ((YamlScalarNode)runStep["run"]).Value!], User, env, Workspace, timeout: TimeSpan.FromMinutes(3));
        // The runner reads both streams for commands; stdout and stderr are parsed apart, so a command stopped on one
        // stream is not assumed stopped on the other.
        Commands = [.. RunnerCommandLog.Parse(step.StandardOutput), .. RunnerCommandLog.Parse(step.StandardError)];
        Dictionary<string, string> outputs = RunnerCommandLog.Outputs(Commands, File.Exists(OutputFile) ? ParseOutputs(File.ReadAllText(OutputFile)) : []);
        Dictionary<string, string> gateEnv = RunnerEnvironment();
        gateEnv["NONO_STEP_OUTCOME"] = step.ExitCode == 0 ? "success" : "failure";
        gateEnv["NONO_STEP_EXIT"] = outputs.GetValueOrDefault("step-exit", "");
        ProcessResult gate = await ProcessRunner.RunAsync("bash", ["-c", ((YamlScalarNode)gateStep["run"]).Value!], User, gateEnv, Workspace);
        return (step, gate, outputs);
    }

    public void Dispose() => _root.Dispose();

    private Dictionary<string, string> RunnerEnvironment() => new()
    {
        ["PATH"] = "/usr/local/bin:/usr/bin:/bin",
        ["HOME"] = Home,
        ["LC_ALL"] = "C",
        ["NONO_BIN"] = NonoExecutable.Path,
        ["GITHUB_ACTIONS"] = "true",
        ["GITHUB_WORKSPACE"] = Workspace,
        ["RUNNER_TEMP"] = RunnerTemp,
        ["RUNNER_TOOL_CACHE"] = Dir("toolcache"),
        ["GITHUB_OUTPUT"] = OutputFile,
        ["GITHUB_STEP_SUMMARY"] = SummaryFile,
        ["GITHUB_REPOSITORY"] = "octo/repo",
        ["GITHUB_SHA"] = "0123456789abcdef0123456789abcdef01234567",
        ["GITHUB_REF"] = "refs/heads/main",
        ["GITHUB_RUN_ID"] = "42",
        ["GITHUB_RUN_ATTEMPT"] = "1",
        ["GITHUB_JOB"] = "agent",
        ["GITHUB_WORKFLOW"] = "agent.yml",
        ["GITHUB_EVENT_NAME"] = "push",
        ["GITHUB_EVENT_PATH"] = Path.Combine(RunnerTemp, "event.json"),
        ["GITHUB_TOKEN"] = RunnerToken,
        ["ACTIONS_RUNTIME_TOKEN"] = RunnerToken,
        ["XDG_STATE_HOME"] = Path.Combine(Home, ".local", "state"),
    };

    private string Dir(params string[] parts)
    {
        string path = _root.Combine(parts);
        Directory.CreateDirectory(path);
        return path;
    }

    private void Git(params string[] args)
    {
        ProcessResult r = ProcessRunner.RunAsync("git", args, workingDirectory: Workspace).GetAwaiter().GetResult();
        Assert.True(r.ExitCode == 0, r.ToString());
    }

    private static Dictionary<string, string> ParseOutputs(string content) =>
        Nono.Action.Tests.GitHub.RunnerFileCommandParser.Parse(content).GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Last().Value);

    private static YamlMappingNode Load()
    {
        YamlStream stream = [];
        using StreamReader reader = new(Path.Combine(NonoExecutable.RepositoryRoot, "action.yml"));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    [GeneratedRegex(@"\$\{\{\s*inputs\.([a-z-]+)\s*\}\}")]
    private static partial Regex Expression();
}
