using System.CommandLine;
using Nono.Action.Cli;
using Nono.Core.Capabilities;
using Nono.Core.Sandbox;

namespace Nono.Action.Commands;

/// <summary>
/// The flags shared by <c>run</c> and <c>wrap</c> (Rust nono names). Grants and the profile are resolved by
/// <see cref="Nono.Action.Profiles.PolicyLoader"/>; this class adds what is not policy: enforcement opt-ins,
/// recording and output.
/// </summary>
internal sealed class RunOptions
{
    public Option<string?> Workdir { get; } = new("--workdir") { Description = "Working directory for the command (default: the current one)" };
    /// <summary>Profile and grant flags (<c>-p</c>, <c>-a</c>, <c>-r</c>, <c>-w</c>, <c>--*-file</c>, <c>--allow-cwd</c>, <c>--block-net</c>).</summary>
    public Nono.Action.Profiles.PolicyOptions Policy { get; } = new();

    public Option<bool> Rollback { get; } = new("--rollback", "--snapshot") { Description = "Snapshot the writable grants before and after, for diff and rollback" };

    public Option<string[]> RollbackExclude { get; } = Many("--rollback-exclude", null, "Glob to leave out of snapshots (repeatable)");

    public Option<string[]> RollbackInclude { get; } = Many("--rollback-include", null, "Track a name excluded by default, e.g. .git (repeatable)");

    public Option<bool> NoAudit { get; } = new("--no-audit") { Description = "Do not record an audit session (refused together with --rollback)" };

    public Option<string?> AuditSignKey { get; } = new("--audit-sign-key") { Description = "Sign the audit session with this key (file://PATH or env://VAR)" };

    /// <summary>Pins the session id (the action mode uses it to find its own record).</summary>
    public Option<string?> SessionId { get; } = new("--session-id") { Description = "Use this audit session id", Hidden = true };

    /// <summary>
    /// Action mode's guards: refuse a containment that cannot end the whole process tree with the command (direct-child),
    /// look for git control files in every checkout under the writable grants, and put changed ones back after the run
    /// (a survivor could otherwise change them after that).
    /// </summary>
    public Option<bool> ActionGuards { get; } = new("--action-guards") { Description = "Refuse direct-child containment; check and put back git control files under the writable grants", Hidden = true };

    public Option<bool> AllowUnixSockets { get; } = new("--allow-unix-sockets") { Description = "Allow UNIX-domain sockets (they can reach host services such as docker.sock)" };
    public Option<bool> DryRun { get; } = new("--dry-run") { Description = "Print the resolved capabilities and the enforcement plan; run nothing" };
    public Option<bool> Silent { get; } = new("--silent", "-s") { Description = "No informational output from nono" };
    public Option<bool> Verbose { get; } = new("-v", "--verbose") { Description = "Print the enforcement plan before running" };
    public Option<string[]> AllowWeaker { get; } = Many("--allow-weaker", null, $"Accept a named weaker mode when the kernel cannot enforce everything: {string.Join(", ", WeakerModes.AllNames)}");
    public Option<int?> LandlockAbi { get; } = new("--landlock-abi") { Description = "Behave as on a kernel with at most this Landlock ABI (also NONO_LANDLOCK_ABI_MAX)", Hidden = true };
    public Argument<string[]> Command { get; } = new("command") { Description = "The command and its arguments (after --)", Arity = ArgumentArity.OneOrMore };

    public void AddTo(Command command)
    {
        Policy.AddTo(command);
        foreach (Option option in new Option[] { Workdir, SessionId, ActionGuards, AllowUnixSockets, Rollback, RollbackExclude, RollbackInclude, NoAudit, AuditSignKey, DryRun, Silent, Verbose, AllowWeaker, LandlockAbi })
        {
            command.Options.Add(option);
        }

        command.Arguments.Add(Command);
    }

    /// <summary>The working directory for the command, canonical; null (with a problem) when it does not exist.</summary>
    public string? WorkingDirectory(ParseResult parse, CliContext context, List<string> problems)
    {
        string requested = parse.GetValue(Workdir) ?? context.CurrentDirectory;
        string? dir = CanonicalPath.Resolve(requested, context.CurrentDirectory);
        if (dir is null || !Directory.Exists(dir))
        {
            problems.Add($"working directory does not exist: {requested}");
            return null;
        }

        return dir;
    }

    /// <summary>The probe cap and the weaker-mode opt-ins.</summary>
    public (int? AbiCap, HashSet<WeakerMode> Weaker) Enforcement(ParseResult parse, CliContext context, List<string> problems)
    {
        int? cap = parse.GetValue(LandlockAbi);
        if (cap is null && context.GetEnv("NONO_LANDLOCK_ABI_MAX") is string env && env.Length > 0)
        {
            if (int.TryParse(env, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int parsed))
            {
                cap = parsed;
            }
            else
            {
                problems.Add($"NONO_LANDLOCK_ABI_MAX is not a number: {env}");
            }
        }

        if (cap is < 0)
        {
            problems.Add($"--landlock-abi must be 0 or more: {cap}");
            cap = null;
        }

        HashSet<WeakerMode> weaker = [];
        foreach (string name in parse.GetValue(AllowWeaker) ?? [])
        {
            if (WeakerModes.TryParse(name, out WeakerMode? mode))
            {
                weaker.Add(mode.Value);
            }
            else
            {
                problems.Add($"unknown weaker mode '{name}' (known: {string.Join(", ", WeakerModes.AllNames)})");
            }
        }

        return (cap, weaker);
    }

    private static Option<string[]> Many(string name, string? alias, string description)
    {
        Option<string[]> option = alias is null ? new(name) : new(name, alias);
        option.Description = description;
        option.Arity = ArgumentArity.OneOrMore;
        option.AllowMultipleArgumentsPerToken = false;
        return option;
    }
}
