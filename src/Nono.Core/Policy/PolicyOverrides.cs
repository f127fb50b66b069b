namespace Nono.Core.Policy;

/// <summary>Refinements applied on top of a profile by the command line or the environment.</summary>
public sealed record PolicyOverrides
{
    /// <summary>No refinements.</summary>
    public static PolicyOverrides None { get; } = new();

    /// <summary>Extra grants.</summary>
    public IReadOnlyList<PathOverride> Paths { get; init; } = [];

    /// <summary>Grant the working directory read and write.</summary>
    public bool AllowCwd { get; init; }

    /// <summary>Block all network access, whatever the profile says.</summary>
    public bool BlockNetwork { get; init; }
}
