using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Containers;
using Nono.Testing;
using YamlDotNet.RepresentationModel;

namespace Nono.Action.Tests.Install;

/// <summary>
/// One clean "runner": a container of the runner image, as uid 1001, on the host network (which is how it
/// reaches the loopback release), with the action's files where the runner puts a downloaded action.
/// </summary>
internal sealed class RunnerContainer : IAsyncDisposable
{
    public const string ActionPath = "/home/runner/work/_actions/nono/sandbox/v1";
    public const string Workspace = "/home/runner/work/repo/repo";
    public const string RunnerTemp = "/home/runner/work/_temp";
    public const string ToolCache = "/home/runner/work/_tool";
    public const string GitHubEnv = RunnerTemp + "/_runner_file_commands/set_env";

    private readonly IContainer _container;
    private readonly LocalRelease _release;

    private RunnerContainer(IContainer container, LocalRelease release)
    {
        _container = container;
        _release = release;
    }

    public static async Task<RunnerContainer> StartAsync(RunnerContainerFixture fixture, CancellationToken cancellationToken)
    {
        IContainer container = new ContainerBuilder(fixture.Image)
            .WithBindMount(Path.Combine(NonoExecutable.RepositoryRoot, "action"), ActionPath + "/action", AccessMode.ReadOnly)
            .WithCreateParameterModifier(create =>
            {
                // Host networking only: dockerd runs with --bridge=none, and the release is on 127.0.0.1.
                Docker.DotNet.Models.HostConfig host = create.HostConfig ??= new();
                host.NetworkMode = "host";
                // A hosted runner is a VM with no seccomp filter or AppArmor profile around its jobs, so nono
                // must cope with the bare kernel there: unconfined mimics that. Docker's default seccomp
                // profile would instead deny landlock_* and unshare(CLONE_NEWUSER) to the container. Not
                // --privileged: no capabilities are added, and the job user is uid 1001 as on the runner.
                host.SecurityOpt = ["seccomp=unconfined", "apparmor=unconfined"];
            })
            .WithAutoRemove(true)
            .Build();
        await container.StartAsync(cancellationToken);
        RunnerContainer runner = new(container, fixture.Release);
        ExecResult mkdir = await runner.BashAsync(
            $"mkdir -p {Workspace} {RunnerTemp}/_runner_file_commands {ToolCache} && touch {GitHubEnv}", cancellationToken);
        Assert.True(mkdir.ExitCode == 0, mkdir.Stderr);
        return runner;
    }

    /// <summary>The variables a runner gives every step, with the server and API URLs on the loopback release.</summary>
    public Dictionary<string, string> RunnerEnvironment() => new()
    {
        ["CI"] = "true",
        ["GITHUB_ACTIONS"] = "true",
        ["GITHUB_WORKSPACE"] = Workspace,
        ["RUNNER_TEMP"] = RunnerTemp,
        ["RUNNER_TOOL_CACHE"] = ToolCache,
        ["GITHUB_ENV"] = GitHubEnv,
        ["GITHUB_SERVER_URL"] = _release.ServerUrl,
        ["GITHUB_API_URL"] = _release.ApiUrl,
    };

    /// <summary>Runs action.yml's "install" step as written, with its env mapping evaluated for <paramref name="version"/>.</summary>
    public Task<ExecResult> InstallStepAsync(string version, CancellationToken cancellationToken)
    {
        YamlMappingNode action = WorkflowYaml.Load(Path.Combine(NonoExecutable.RepositoryRoot, "action.yml"));
        YamlMappingNode step = WorkflowYaml.StepById(((YamlMappingNode)action["runs"])["steps"], "install");
        Dictionary<string, string> env = RunnerEnvironment();
        Dictionary<string, string> values = new()
        {
            ["inputs.version"] = version,
            ["github.action_path"] = ActionPath,
            ["inputs.github-token"] = "", // no token: the attestation check is skipped, and says so
        };
        foreach ((string key, string value) in WorkflowYaml.Env(step, values))
        {
            env[key] = value;
        }

        return ExecAsync(["bash", "-e", "-c", WorkflowYaml.Scalar(step, "run")], env, cancellationToken);
    }

    /// <summary>bash -c SCRIPT as the runner user, in the workspace, with the runner's variables.</summary>
    public Task<ExecResult> BashAsync(string script, CancellationToken cancellationToken) =>
        ExecAsync(["bash", "-c", $"cd {Workspace} 2>/dev/null || true; {script}"], RunnerEnvironment(), cancellationToken);

    private Task<ExecResult> ExecAsync(IEnumerable<string> command, Dictionary<string, string> env, CancellationToken cancellationToken) =>
        _container.ExecAsync(["env", .. env.Select(kv => $"{kv.Key}={kv.Value}"), .. command], cancellationToken);

    public async ValueTask DisposeAsync() => await _container.DisposeAsync();
}
