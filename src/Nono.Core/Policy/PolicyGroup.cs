using System.ComponentModel;

namespace Nono.Core.Policy;

/// <summary>A named, reusable set of filesystem rules that profiles include through <c>security.groups</c>.</summary>
public sealed record PolicyGroup
{
    /// <summary>What the group is for.</summary>
    [Description("What the group is for.")]
    public string? Description { get; init; }

    /// <summary>The group's filesystem rules.</summary>
    [Description("The group's filesystem rules.")]
    public FilesystemSection Filesystem { get; init => field = value ?? new(); } = new();
}
