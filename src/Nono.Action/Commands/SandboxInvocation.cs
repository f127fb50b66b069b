using System.CommandLine;
using System.Runtime.Versioning;
using Nono.Action.Cli;
using Nono.Action.Network;
using Nono.Core.Capabilities;
using Nono.Core.Sandbox;

namespace Nono.Action.Commands;

/// <summary>What <c>run</c> and <c>wrap</c> share: flags → capabilities → probe → plan, with every problem reported.</summary>
[SupportedOSPlatform("linux")]
internal sealed record SandboxInvocation(SandboxPlan Plan, LaunchSpec Spec, bool Silent, bool Verbose)
{
    /// <summary>The prepared invocation, or null after printing the problems (exit 1) or the dry run (exit 0).</summary>
    public static SandboxInvocation? Prepare(RunOptions options, ParseResult parse, CliContext context, out int exitCode, RunNetworkOptions? networkOptions = null)
    {
        List<string> problems = [];
        string? cwd = options.WorkingDirectory(parse, context, problems);
        CapabilitySet capabilities = options.ToCapabilities(parse, context, cwd, problems);
        // Network tiers and proxy mode (run only): see Network/RunNetwork.cs.
        RunNetwork? network = networkOptions is null ? null
            : RunNetwork.Prepare(networkOptions.ToRequest(parse, capabilities.Network == NetworkMode.Block), context, problems);
        (int? cap, HashSet<WeakerMode> weaker) = options.Enforcement(parse, context, problems);
        string[] command = parse.GetValue(options.Command) ?? [];
        if (problems.Count > 0 || cwd is null)
        {
            Report(context, problems);
            exitCode = ExitCodes.NonoError;
            return null;
        }

        capabilities = network?.Apply(capabilities) ?? capabilities;
        PlanResult result = SandboxPlanner.Plan(capabilities, new EnforcementOptions
        {
            Support = SandboxSupport.Probe(cap),
            AllowedWeakerModes = weaker,
            NetworkNamespace = network?.Namespace,
        });
        if (!result.Succeeded || result.Plan is null)
        {
            Report(context, result.Problems);
            exitCode = ExitCodes.NonoError;
            return null;
        }

        SandboxPlan plan = result.Plan;
        if (parse.GetValue(options.DryRun))
        {
            WriteCapabilities(context.Output, capabilities);
            foreach (string line in plan.Describe())
            {
                context.Output.WriteLine(line);
            }

            context.Output.WriteLine($"command: {string.Join(' ', command)} (in {cwd})");
            exitCode = ExitCodes.Success;
            return null;
        }

        foreach (WeakerMode mode in plan.WeakerModes)
        {
            // Always printed, even with --silent: less protection is never silent.
            context.Error.WriteLine($"nono: warning: weaker mode in force: {WeakerModes.Name(mode)}");
        }

        bool verbose = parse.GetValue(options.Verbose);
        if (verbose)
        {
            foreach (string line in plan.Describe())
            {
                context.Error.WriteLine($"nono: {line}");
            }
        }

        // The re-exec marker and the W^X switch belong to nono's own process, not to the sandboxed command.
        Dictionary<string, string> env = new(context.Environment, StringComparer.Ordinal);
        if (env.Remove(ForkSafety.ReexecMarkerVariable))
        {
            env.Remove(ForkSafety.WriteXorExecuteVariable);
        }

        exitCode = 0;
        return new SandboxInvocation(
            plan,
            new LaunchSpec { Command = command[0], Arguments = command[1..], Environment = env, WorkingDirectory = cwd },
            parse.GetValue(options.Silent),
            verbose)
        {
            Network = network,
        };
    }

    /// <summary>The run's network (proxy mode or a blocking namespace); null when unrestricted or for wrap.</summary>
    public RunNetwork? Network { get; init; }

    private static void Report(CliContext context, IEnumerable<string> problems)
    {
        foreach (string problem in problems)
        {
            context.Error.WriteLine($"nono: {problem}");
        }
    }

    private static void WriteCapabilities(TextWriter output, CapabilitySet capabilities)
    {
        output.WriteLine("capabilities:");
        foreach (FsGrant grant in capabilities.Grants)
        {
            output.WriteLine($"  {grant.Access.ToString().ToLowerInvariant(),-9} {(grant.IsFile ? "file" : "dir ")} {grant.Path}  [{grant.Source}]");
        }

        foreach (FsDeny deny in capabilities.Denies)
        {
            output.WriteLine($"  deny      {deny.Path}  [{deny.Source}]");
        }

        output.WriteLine($"  network: {capabilities.Network.ToString().ToLowerInvariant()}; unix sockets: {(capabilities.AllowUnixSockets ? "allowed" : "denied")}");
    }
}
