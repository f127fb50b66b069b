using System.ComponentModel;

namespace Nono.Core.Policy;

/// <summary>Access to the working directory.</summary>
public sealed record WorkdirSection
{
    /// <summary>Access granted to the working directory.</summary>
    [Description("Access granted to the working directory: none, read, write or readwrite.")]
    public WorkdirAccess? Access { get; init; }
}
