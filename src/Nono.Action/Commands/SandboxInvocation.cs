using System.CommandLine;
using System.Runtime.Versioning;
using Nono.Action.Cli;
using Nono.Action.Containment;
using Nono.Action.Network;
using Nono.Action.Profiles;
using Nono.Core.Capabilities;
using Nono.Core.Policy;
using Nono.Core.Sandbox;

namespace Nono.Action.Commands;

/// <summary>
/// What <c>run</c> and <c>wrap</c> share: flags and profile → policy → capabilities → probe → plan, and the
/// child's sanitized environment, with every problem reported.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed record SandboxInvocation(
    SandboxPlan Plan,
    LaunchSpec Spec,
    ResolvedPolicy Policy,
    PrivateTemp Temp,
    IReadOnlyList<string> Command,
    string Kernel,
    bool Silent,
    bool Verbose) : IDisposable
{
    /// <summary>Test hook: a FIFO read to its end after the plan is made and before the sandbox is built.</summary>
    public const string PauseAfterPlanVariable = "NONO_TEST_PAUSE_AFTER_PLAN";

    /// <summary>Test hook: a FIFO read to its end after the sandbox is prepared (ruleset built) and before the child starts.</summary>
    public const string PauseBeforeStartVariable = "NONO_TEST_PAUSE_BEFORE_START";

    /// <summary>The prefix of every test hook variable; none reaches the sandboxed command.</summary>
    public const string TestHookPrefix = "NONO_TEST_";

    /// <summary>The prepared invocation, or null after printing the problems (exit 1) or the dry run (exit 0).</summary>
    public static SandboxInvocation? Prepare(RunOptions options, ParseResult parse, CliContext context, out int exitCode, RunNetworkOptions? networkOptions = null)
    {
        // A root run's root-only walk of the built-in /etc grants: on a thread of its own from here, while the flags are
        // checked, the profile resolves and the probes run. The plan uses it only where it is the walk it would make.
        RootOnlyPrefetch? rootOnly = RootOnlyPrefetch.StartForRoot(BuiltinProfiles.GrantedPaths);
        List<string> problems = [];
        string? cwd = options.WorkingDirectory(parse, context, problems);
        (int? cap, HashSet<WeakerMode> weaker) = options.Enforcement(parse, context, problems);
        string[] command = parse.GetValue(options.Command) ?? [];
        if (problems.Count > 0 || cwd is null)
        {
            Report(context, problems);
            exitCode = ExitCodes.NonoError;
            return null;
        }

        PrivateTemp temp = PrivateTemp.Create();
        try
        {
            SandboxInvocation? invocation = Prepare(options, parse, context, cwd, cap, weaker, command, temp, networkOptions, rootOnly, out exitCode);
            if (invocation is null)
            {
                temp.Dispose();
            }

            return invocation;
        }
        catch
        {
            temp.Dispose();
            throw;
        }
    }

    /// <summary>The run's network (proxy mode or a blocking namespace); null when unrestricted or for wrap.</summary>
    public RunNetwork? Network { get; init; }

    /// <summary>Whether the kernel offers seccomp user notification (the refused-network-call observer needs it).</summary>
    public bool SeccompUserNotification { get; init; }

    public void Dispose() => Temp.Dispose();

    private static SandboxInvocation? Prepare(
        RunOptions options, ParseResult parse, CliContext context, string cwd, int? cap, HashSet<WeakerMode> weaker, string[] command, PrivateTemp temp, RunNetworkOptions? networkOptions, RootOnlyPrefetch? rootOnly, out int exitCode)
    {
        // The child's TMPDIR is private to this run; the policy's $TMPDIR grants resolve to it.
        Dictionary<string, string> env = new(context.Environment, StringComparer.Ordinal) { ["TMPDIR"] = temp.Path };
        ResolvedPolicy policy = PolicyLoader.Resolve(env, cwd, options.Policy.ReadFrom(parse));
        if (!parse.GetValue(options.DryRun) && !InstructionTrustGate.Check(cwd, env, context))
        {
            exitCode = ExitCodes.NonoError;
            return null;
        }

        CapabilitySet capabilities = policy.Capabilities with
        {
            AllowUnixSockets = policy.Capabilities.AllowUnixSockets || parse.GetValue(options.AllowUnixSockets),
        };

        // Network tiers and proxy mode (run only; profile network section + flags): see Network/RunNetwork.cs.
        List<string> networkProblems = [];
        bool block = capabilities.Network == NetworkMode.Block
            && (networkOptions is null || !parse.GetValue(networkOptions.NetworkAudit) || parse.GetValue(options.Policy.BlockNet)); // audit replaces a profile's block
        RunNetwork? network = networkOptions is null ? null : RunNetwork.Prepare(
            NetworkRequest.FromSection(policy.Network).Merge(networkOptions.ToRequest(parse, block)), context, networkProblems);
        capabilities = network?.Apply(capabilities) ?? capabilities;
        (string Path, string What)[] secretFiles = [
            .. network?.SecretFiles ?? [],
            .. SignKeyFile(parse.GetValue(options.AuditSignKey), cwd) is string signKey ? [(signKey, "--audit-sign-key")] : Array.Empty<(string, string)>()];
        IReadOnlyList<string> carvingCosts = SecretFileDenies.CarvingCosts(capabilities, secretFiles);
        capabilities = SecretFileDenies.Apply(capabilities, secretFiles);
        if (networkOptions is null && capabilities.Network == NetworkMode.Proxy)
        {
            networkProblems.Add("proxy mode (the profile's network section) needs nono run: nono wrap leaves no supervisor to run the proxy");
        }

        SandboxSupport support = SandboxSupport.Probe(cap);
        // Process containment (run only: wrap leaves no supervisor): see Containment/RunContainment.cs.
        ProcessContainment containment = networkOptions is null ? ProcessContainment.DirectChild : RunContainment.Choose(context, networkProblems);
        if (containment == ProcessContainment.DirectChild && CiGuards.Apply(parse.GetValue(options.ActionGuards), policy))
        {
            networkProblems.Add(RunContainment.TreeContainmentRequired);
        }

        PlanResult result = SandboxPlanner.Plan(capabilities, new EnforcementOptions
        {
            Support = support,
            AllowedWeakerModes = weaker,
            NetworkNamespace = network?.Namespace,
            Containment = containment,
            MetadataSupervisor = networkOptions is not null, // run: nono stays to answer mode, owner, time and xattr calls
            TerminalAttached = StdioTerminal.Attached(), // the command inherits nono's stdin, stdout and stderr (the spec below)
            TerminalDevices = StdioTerminal.Devices(),
            RootOnlyPrefetch = rootOnly,
        });
        if (networkProblems.Count > 0)
        {
            result = new PlanResult { Problems = [.. networkProblems, .. result.Problems] };
        }

        if (!result.Succeeded || result.Plan is null)
        {
            Report(context, result.Problems);
            exitCode = ExitCodes.NonoError;
            return null;
        }

        SandboxPlan plan = result.Plan;
        if (parse.GetValue(options.DryRun))
        {
            context.Output.WriteLine($"profile: {policy.ProfileName} (chain: {string.Join(" -> ", policy.Chain)}; digest {policy.Digest})");
            WriteCapabilities(context.Output, capabilities);
            foreach (string line in network?.DescribeAllowList() ?? [])
            {
                context.Output.WriteLine(line);
            }

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

        if (plan.MetadataNotConfined is string unconfined && !plan.WeakerModes.Contains(WeakerMode.UnrestrictedMetadata))
        {
            context.Error.WriteLine($"nono: warning: mode, owner, time and xattr changes are not confined ({unconfined})");
        }

        foreach (string line in plan.Withheld.Concat(carvingCosts))
        {
            context.Error.WriteLine($"nono: warning: {line}"); // always: the command sees less than the policy states
        }

        if (context.GetEnv(PauseAfterPlanVariable) is { Length: > 0 } pause && PauseHook.Wait(pause, context.Error) is { } hookProblem)
        {
            // Test hook: holds the run until a writer opens and closes this FIFO, so a test can change the tree between
            // the plan and the ruleset without racing nono. It can only delay the run (bounded), never weaken it.
            Report(context, [hookProblem]);
            exitCode = ExitCodes.NonoError;
            return null;
        }

        bool verbose = parse.GetValue(options.Verbose);
        if (verbose)
        {
            foreach (string line in plan.Describe())
            {
                context.Error.WriteLine($"nono: {line}");
            }
        }

        exitCode = 0;
        return new SandboxInvocation(
            plan,
            new LaunchSpec { Command = command[0], Arguments = command[1..], Environment = ChildEnvironment(env, policy, context, verbose, SigningKeyVariable(parse.GetValue(options.AuditSignKey))), WorkingDirectory = cwd, BeforeStart = PauseBeforeStart(context) },
            policy,
            temp,
            command,
            support.KernelRelease,
            parse.GetValue(options.Silent),
            verbose)
        {
            Network = network,
            SeccompUserNotification = support.SeccompUserNotification,
        };
    }

    /// <summary>The environment the child gets: loader hooks and secrets stripped, profile settings applied.</summary>
    private static Dictionary<string, string> ChildEnvironment(Dictionary<string, string> env, ResolvedPolicy policy, CliContext context, bool verbose, string? signingKeyVariable)
    {
        // The audit signing key signs the session record after the command; the command must never hold it. Removed
        // whatever its name, before the profile's allow_vars could bring it back (environment.set still applies).
        if (signingKeyVariable is not null && env.Remove(signingKeyVariable) && verbose)
        {
            context.Error.WriteLine($"nono: environment: removed {signingKeyVariable} (audit signing key)");
        }

        // The re-exec marker and the W^X switch belong to nono's own process, not to the sandboxed command.
        if (env.Remove(ForkSafety.ReexecMarkerVariable))
        {
            env.Remove(ForkSafety.WriteXorExecuteVariable);
        }

        // Test hooks (NONO_TEST_*) steer nono itself; a sandboxed nono must not inherit them.
        foreach (string name in env.Keys.Where(name => name.StartsWith(TestHookPrefix, StringComparison.Ordinal)).ToList())
        {
            env.Remove(name);
        }

        SanitizedEnvironment sanitized = EnvironmentSanitizer.Sanitize(env, policy.Environment);
        if (verbose)
        {
            foreach (RemovedVariable removed in sanitized.Removed)
            {
                context.Error.WriteLine($"nono: environment: removed {removed.Name} ({removed.Reason})");
            }
        }

        return new Dictionary<string, string>(sanitized.Environment, StringComparer.Ordinal);
    }

    /// <summary>The variable an <c>env://VAR</c> signing key reference names; null for a file key or none.</summary>
    private static string? SigningKeyVariable(string? reference) =>
        reference is not null && reference.StartsWith("env://", StringComparison.Ordinal) ? reference["env://".Length..] : null;

    /// <summary>
    /// The <see cref="PauseBeforeStartVariable"/> hook, or null: like the hook after the plan, it can only delay the run
    /// (bounded) or fail it, never weaken it.
    /// </summary>
    private static System.Action? PauseBeforeStart(CliContext context) =>
        context.GetEnv(PauseBeforeStartVariable) is { Length: > 0 } pause
            ? () =>
            {
                if (PauseHook.Wait(pause, context.Error) is { } problem)
                {
                    throw new Nono.Core.Diagnostics.NonoException(Nono.Core.Diagnostics.NonoErrorCode.SandboxSetupFailed, problem);
                }
            }
            : null;

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
            output.WriteLine($"  {(deny.WriteOnly ? "denywrite" : "deny"),-9} {deny.Path}  [{deny.Source}]");
        }

        output.WriteLine($"  network: {capabilities.Network.ToString().ToLowerInvariant()}; unix sockets: {(capabilities.AllowUnixSockets ? "allowed" : "denied")}");
    }

    /// <summary>
    /// The signing key file as the recorder opens it (relative to the command's working directory, <c>--workdir</c>), so the
    /// deny lands on that file and not on a path resolved elsewhere (review of s9-credfix).
    /// </summary>
    private static string? SignKeyFile(string? reference, string workingDirectory) =>
        SecretFileDenies.PathOf(reference) is null ? null : Nono.Core.Trust.Keys.KeyRef.Parse(reference!, workingDirectory).Location;
}
