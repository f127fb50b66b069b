namespace Nono.Core.Capabilities;

/// <summary>A path that must stay inaccessible even when a grant covers a parent of it.</summary>
/// <param name="Path">Absolute, canonical path.</param>
/// <param name="Source">The group, profile or option that asked for the deny.</param>
public sealed record FsDeny(string Path, string Source)
{
    /// <summary>True for a <c>filesystem.deny_write</c>: only write access is taken away; reading stays as granted.</summary>
    public bool WriteOnly { get; init; }
}
