using Nono.Testing;
using YamlDotNet.RepresentationModel;

namespace Nono.Action.Tests.Install;

/// <summary>
/// .github/workflows/release.yml as data: its build matrix and its shell steps, which the tests run as they are
/// written (with <c>${{ matrix.rid }}</c> filled in) to make the same release layout the workflow publishes.
/// </summary>
internal sealed class ReleaseWorkflow
{
    public static readonly string FilePath = Path.Combine(NonoExecutable.RepositoryRoot, ".github", "workflows", "release.yml");

    private ReleaseWorkflow(YamlMappingNode root) => Root = root;

    public YamlMappingNode Root { get; }

    public static ReleaseWorkflow Load() => new(WorkflowYaml.Load(FilePath));

    public YamlMappingNode Job(string name) => (YamlMappingNode)((YamlMappingNode)Root["jobs"])[name];

    public IEnumerable<YamlMappingNode> Steps(string job) => ((YamlSequenceNode)Job(job)["steps"]).OfType<YamlMappingNode>();

    public YamlMappingNode Step(string job, string id) => WorkflowYaml.StepById(Job(job)["steps"], id);

    /// <summary>The one step of <paramref name="job"/> that uses the action <paramref name="action"/> (any version).</summary>
    public YamlMappingNode StepUsing(string job, string action) => Steps(job).Single(s =>
        s.Children.TryGetValue(new YamlScalarNode("uses"), out YamlNode? uses) && ((YamlScalarNode)uses).Value!.StartsWith(action + "@", StringComparison.Ordinal));

    /// <summary>The runtime identifiers the build matrix publishes.</summary>
    public IReadOnlyList<string> MatrixRids() =>
        [.. ((YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)Job("build")["strategy"])["matrix"])["include"])
            .OfType<YamlMappingNode>().Select(entry => Scalar(entry, "rid"))];

    /// <summary>Runs a step's <c>run</c> script with bash -e, its <c>env</c> and <c>working-directory</c>, under <paramref name="workspace"/>.</summary>
    public async Task RunStepAsync(string job, string id, string workspace, IReadOnlyDictionary<string, string> matrix, CancellationToken cancellationToken)
    {
        YamlMappingNode step = Step(job, id);
        Dictionary<string, string> values = matrix.ToDictionary(kv => "matrix." + kv.Key, kv => kv.Value);
        Dictionary<string, string> env = WorkflowYaml.Env(step, values);
        env["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin";
        env["LC_ALL"] = "C";
        string directory = step.Children.TryGetValue(new YamlScalarNode("working-directory"), out YamlNode? wd)
            ? Path.Combine(workspace, WorkflowYaml.Evaluate(((YamlScalarNode)wd).Value!, values))
            : workspace;
        ProcessResult result = await ProcessRunner.RunAsync("bash", ["-e", "-o", "pipefail", "-c", Scalar(step, "run")],
            environment: env, workingDirectory: directory, cancellationToken: cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"release.yml step {job}/{id} failed ({result.ExitCode}): {result.StandardError}");
        }
    }

    public static string Scalar(YamlMappingNode node, string key) => WorkflowYaml.Scalar(node, key);
}
