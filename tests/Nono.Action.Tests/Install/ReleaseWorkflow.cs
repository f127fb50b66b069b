using System.Text.RegularExpressions;
using Nono.Testing;
using YamlDotNet.RepresentationModel;

namespace Nono.Action.Tests.Install;

/// <summary>
/// .github/workflows/release.yml as data: its build matrix and its shell steps, which the tests run as they are
/// written (with <c>${{ matrix.rid }}</c> filled in) to make the same release layout the workflow publishes.
/// </summary>
internal sealed partial class ReleaseWorkflow
{
    public static readonly string FilePath = Path.Combine(NonoExecutable.RepositoryRoot, ".github", "workflows", "release.yml");

    private ReleaseWorkflow(YamlMappingNode root) => Root = root;

    public YamlMappingNode Root { get; }

    public static ReleaseWorkflow Load()
    {
        YamlStream stream = [];
        using StreamReader reader = new(FilePath);
        stream.Load(reader);
        return new ReleaseWorkflow((YamlMappingNode)stream.Documents[0].RootNode);
    }

    public YamlMappingNode Job(string name) => (YamlMappingNode)((YamlMappingNode)Root["jobs"])[name];

    public IEnumerable<YamlMappingNode> Steps(string job) => ((YamlSequenceNode)Job(job)["steps"]).OfType<YamlMappingNode>();

    public YamlMappingNode Step(string job, string id) =>
        Steps(job).Single(s => s.Children.TryGetValue(new YamlScalarNode("id"), out YamlNode? node) && ((YamlScalarNode)node).Value == id);

    /// <summary>The runtime identifiers the build matrix publishes.</summary>
    public IReadOnlyList<string> MatrixRids() =>
        [.. ((YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)Job("build")["strategy"])["matrix"])["include"])
            .OfType<YamlMappingNode>().Select(entry => Scalar(entry, "rid"))];

    /// <summary>Runs a step's <c>run</c> script with bash -e, its <c>env</c> and <c>working-directory</c>, under <paramref name="workspace"/>.</summary>
    public async Task RunStepAsync(string job, string id, string workspace, IReadOnlyDictionary<string, string> matrix, CancellationToken cancellationToken)
    {
        YamlMappingNode step = Step(job, id);
        Dictionary<string, string> env = new()
        {
            ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin",
            ["LC_ALL"] = "C",
        };
        if (step.Children.TryGetValue(new YamlScalarNode("env"), out YamlNode? envNode))
        {
            foreach ((YamlNode key, YamlNode value) in ((YamlMappingNode)envNode).Children)
            {
                env[((YamlScalarNode)key).Value!] = Evaluate(((YamlScalarNode)value).Value!, matrix);
            }
        }

        string directory = step.Children.TryGetValue(new YamlScalarNode("working-directory"), out YamlNode? wd)
            ? Path.Combine(workspace, Evaluate(((YamlScalarNode)wd).Value!, matrix))
            : workspace;
        ProcessResult result = await ProcessRunner.RunAsync("bash", ["-e", "-o", "pipefail", "-c", Scalar(step, "run")],
            environment: env, workingDirectory: directory, cancellationToken: cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"release.yml step {job}/{id} failed ({result.ExitCode}): {result.StandardError}");
        }
    }

    public static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node[key]).Value!;

    /// <summary>Fills in <c>${{ matrix.X }}</c>; any other expression is a step these tests cannot run faithfully.</summary>
    private static string Evaluate(string value, IReadOnlyDictionary<string, string> matrix) =>
        Expression().Replace(value, m => m.Groups[1].Value.StartsWith("matrix.", StringComparison.Ordinal)
            ? matrix[m.Groups[1].Value["matrix.".Length..]]
            : throw new InvalidOperationException($"release.yml: cannot evaluate ${{{{ {m.Groups[1].Value} }}}} in a test"));

    [GeneratedRegex(@"\$\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}")]
    private static partial Regex Expression();
}
