using System.ComponentModel;

namespace Nono.Core.Policy;

/// <summary>Workspace snapshot and rollback settings.</summary>
public sealed record RollbackSection
{
    /// <summary>Take snapshots of the working directory.</summary>
    [Description("Take content-addressed snapshots of the working directory.")]
    public bool? Enabled { get; init; }

    /// <summary>Path components or names excluded from snapshots.</summary>
    [Description("File or directory names excluded from snapshots (e.g. node_modules).")]
    public IReadOnlyList<string> ExcludePatterns { get; init => field = value ?? []; } = [];

    /// <summary>Globs relative to the working directory excluded from snapshots.</summary>
    [Description("Globs relative to the working directory excluded from snapshots.")]
    public IReadOnlyList<string> ExcludeGlobs { get; init => field = value ?? []; } = [];

    /// <summary>Paths a rollback never touches.</summary>
    [Description("Paths a rollback never overwrites or removes; relative entries are relative to the working directory.")]
    public IReadOnlyList<string> ProtectedPaths { get; init => field = value ?? []; } = [];
}
