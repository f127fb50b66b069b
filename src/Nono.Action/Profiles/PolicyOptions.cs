using System.CommandLine;

namespace Nono.Action.Profiles;

/// <summary>
/// The policy options shared by every command that resolves a profile (<c>why</c>, <c>profile show</c>, and
/// <c>run</c> once wired): <c>-p</c>, <c>-a</c>, <c>-r</c>, <c>-w</c>, the <c>--*-file</c> variants,
/// <c>--allow-cwd</c> and <c>--block-net</c> (alias <c>--net-block</c>).
/// </summary>
internal sealed class PolicyOptions
{
    public Option<string?> Profile { get; } = new("--profile", "-p") { Description = "Profile name or path (default: NONO_PROFILE, then .nono/profile.json, then 'default')" };

    public Option<string[]> Extends { get; } = new("--extends") { Description = "Also apply this profile on top of the selected one (repeatable)", AllowMultipleArgumentsPerToken = false };

    public Option<string[]> Allow { get; } = new("--allow", "-a") { Description = "Grant a directory read and write (repeatable)" };

    public Option<string[]> Read { get; } = new("--read", "-r") { Description = "Grant a directory read (repeatable)" };

    public Option<string[]> Write { get; } = new("--write", "-w") { Description = "Grant a directory write (repeatable)" };

    public Option<string[]> AllowFile { get; } = new("--allow-file") { Description = "Grant a file read and write (repeatable)" };

    public Option<string[]> ReadFile { get; } = new("--read-file") { Description = "Grant a file read (repeatable)" };

    public Option<string[]> WriteFile { get; } = new("--write-file") { Description = "Grant a file write (repeatable)" };

    public Option<bool> AllowCwd { get; } = new("--allow-cwd") { Description = "Grant the working directory read and write" };

    public Option<bool> BlockNet { get; } = new("--block-net", "--net-block") { Description = "Block all network access" };

    public void AddTo(Command command)
    {
        command.Options.Add(Profile);
        command.Options.Add(Extends);
        command.Options.Add(Allow);
        command.Options.Add(Read);
        command.Options.Add(Write);
        command.Options.Add(AllowFile);
        command.Options.Add(ReadFile);
        command.Options.Add(WriteFile);
        command.Options.Add(AllowCwd);
        command.Options.Add(BlockNet);
    }

    public CliPolicyArgs ReadFrom(ParseResult result) => new()
    {
        Profile = result.GetValue(Profile),
        Extends = result.GetValue(Extends) ?? [],
        Allow = result.GetValue(Allow) ?? [],
        Read = result.GetValue(Read) ?? [],
        Write = result.GetValue(Write) ?? [],
        AllowFile = result.GetValue(AllowFile) ?? [],
        ReadFile = result.GetValue(ReadFile) ?? [],
        WriteFile = result.GetValue(WriteFile) ?? [],
        AllowCwd = result.GetValue(AllowCwd),
        BlockNetwork = result.GetValue(BlockNet),
    };
}
