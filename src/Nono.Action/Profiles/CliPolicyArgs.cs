namespace Nono.Action.Profiles;

/// <summary>The policy-related values given on the command line (all optional).</summary>
internal sealed record CliPolicyArgs
{
    public static CliPolicyArgs None { get; } = new();

    public string? Profile { get; init; }

    /// <summary>Extra bases layered on top of the profile, in order (<c>--extends</c>, repeatable).</summary>
    public IReadOnlyList<string> Extends { get; init; } = [];

    public IReadOnlyList<string> Allow { get; init; } = [];

    public IReadOnlyList<string> Read { get; init; } = [];

    public IReadOnlyList<string> Write { get; init; } = [];

    public IReadOnlyList<string> AllowFile { get; init; } = [];

    public IReadOnlyList<string> ReadFile { get; init; } = [];

    public IReadOnlyList<string> WriteFile { get; init; } = [];

    public bool AllowCwd { get; init; }

    public bool BlockNetwork { get; init; }
}
