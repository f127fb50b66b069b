using System.CommandLine;
using Nono.Action.Cli;
using Nono.Core.Capabilities;
using Nono.Core.Sandbox;

namespace Nono.Action.Commands;

/// <summary>
/// The sandbox flags shared by <c>run</c> and <c>wrap</c> (Rust nono names) and the one place that maps them
/// to a <see cref="CapabilitySet"/>. Profiles (<c>-p/--profile</c>, <c>--extends</c>) will be resolved in
/// front of <see cref="ToCapabilities"/>.
/// </summary>
internal sealed class RunOptions
{
    public Option<string[]> Allow { get; } = Many("--allow", "-a", "Directory to allow read and write (repeatable)");
    public Option<string[]> Read { get; } = Many("--read", "-r", "Directory to allow read, which includes execute (repeatable)");
    public Option<string[]> Write { get; } = Many("--write", "-w", "Directory to allow write only (repeatable)");
    public Option<string[]> AllowFile { get; } = Many("--allow-file", null, "File to allow read and write (repeatable)");
    public Option<string[]> ReadFile { get; } = Many("--read-file", null, "File to allow read (repeatable)");
    public Option<string[]> WriteFile { get; } = Many("--write-file", null, "File to allow write only (repeatable)");
    public Option<bool> AllowCwd { get; } = new("--allow-cwd") { Description = "Allow read and write to the working directory" };
    public Option<string?> Workdir { get; } = new("--workdir") { Description = "Working directory for the command (default: the current one)" };
    public Option<bool> BlockNet { get; } = new("--block-net") { Description = "Block all network access (also NONO_BLOCK_NET=1)" };
    public Option<bool> AllowUnixSockets { get; } = new("--allow-unix-sockets") { Description = "Allow UNIX-domain sockets (they can reach host services such as docker.sock)" };
    public Option<bool> DryRun { get; } = new("--dry-run") { Description = "Print the resolved capabilities and the enforcement plan; run nothing" };
    public Option<bool> Silent { get; } = new("--silent", "-s") { Description = "No informational output from nono" };
    public Option<bool> Verbose { get; } = new("-v", "--verbose") { Description = "Print the enforcement plan before running" };
    public Option<string[]> AllowWeaker { get; } = Many("--allow-weaker", null, $"Accept a named weaker mode when the kernel cannot enforce everything: {string.Join(", ", WeakerModes.AllNames)}");
    public Option<int?> LandlockAbi { get; } = new("--landlock-abi") { Description = "Behave as on a kernel with at most this Landlock ABI (also NONO_LANDLOCK_ABI_MAX)", Hidden = true };
    public Argument<string[]> Command { get; } = new("command") { Description = "The command and its arguments (after --)", Arity = ArgumentArity.OneOrMore };

    public void AddTo(Command command)
    {
        foreach (Option option in new Option[] { Allow, Read, Write, AllowFile, ReadFile, WriteFile, AllowCwd, Workdir, BlockNet, AllowUnixSockets, DryRun, Silent, Verbose, AllowWeaker, LandlockAbi })
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

    /// <summary>Maps the flags (and NONO_ALLOW / NONO_BLOCK_NET) to a capability set; every bad path is reported.</summary>
    public CapabilitySet ToCapabilities(ParseResult parse, CliContext context, string? workingDirectory, List<string> problems)
    {
        List<FsGrant> grants = [];
        void Add(IEnumerable<string> paths, FsAccess access, bool isFile, string flag)
        {
            foreach (string path in paths)
            {
                string? canonical = CanonicalPath.Resolve(path, workingDirectory ?? context.CurrentDirectory);
                if (canonical is null)
                {
                    problems.Add($"{flag} path does not exist: {path}");
                }
                else if (isFile && !File.Exists(canonical))
                {
                    problems.Add($"{flag} expects a file, {path} is a directory (use the directory flag)");
                }
                else if (!isFile && !Directory.Exists(canonical))
                {
                    problems.Add($"{flag} expects a directory, {path} is a file (use {flag}-file)");
                }
                else
                {
                    grants.Add(new FsGrant(canonical, access, isFile, flag));
                }
            }
        }

        Add(parse.GetValue(Allow) ?? [], FsAccess.ReadWrite, false, "--allow");
        Add(SplitList(context.GetEnv("NONO_ALLOW")), FsAccess.ReadWrite, false, "NONO_ALLOW");
        Add(parse.GetValue(Read) ?? [], FsAccess.Read, false, "--read");
        Add(parse.GetValue(Write) ?? [], FsAccess.Write, false, "--write");
        Add(parse.GetValue(AllowFile) ?? [], FsAccess.ReadWrite, true, "--allow-file");
        Add(parse.GetValue(ReadFile) ?? [], FsAccess.Read, true, "--read-file");
        Add(parse.GetValue(WriteFile) ?? [], FsAccess.Write, true, "--write-file");
        if (parse.GetValue(AllowCwd) && workingDirectory is not null)
        {
            grants.Add(new FsGrant(workingDirectory, FsAccess.ReadWrite, false, "--allow-cwd"));
        }

        bool blockNet = parse.GetValue(BlockNet) || IsTrue(context.GetEnv("NONO_BLOCK_NET"));
        return new CapabilitySet
        {
            Grants = grants,
            Network = blockNet ? NetworkMode.Block : NetworkMode.Allow,
            AllowUnixSockets = parse.GetValue(AllowUnixSockets),
        };
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

    private static string[] SplitList(string? value) =>
        (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static bool IsTrue(string? value) => value is "1" or "true" or "TRUE" or "yes";
}
