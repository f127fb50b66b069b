using System.ComponentModel;

namespace Nono.Core.Policy;

/// <summary>Profile name and description.</summary>
public sealed record ProfileMeta
{
    /// <summary>Display name.</summary>
    [Description("Display name of the profile.")]
    public string? Name { get; init; }

    /// <summary>What the profile is for.</summary>
    [Description("What the profile is for.")]
    public string? Description { get; init; }
}
