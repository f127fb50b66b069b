using System.Text.Json.Serialization;

namespace Nono.Core.Snapshots;

/// <summary>One step a restore takes (or, in a dry run, would take).</summary>
public sealed record RestoreAction
{
    /// <summary>The tracked root.</summary>
    [JsonPropertyName("root")]
    public required string Root { get; init; }

    /// <summary>Root-relative path in display form.</summary>
    [JsonPropertyName("path")]
    public required string Path { get; init; }

    /// <summary>The entry's absolute path in display form (for a file root, the file itself); made only when read.</summary>
    [JsonPropertyName("location")]
    public string Location => Path == "." ? Directory : System.IO.Path.Join(Directory, Path);

    /// <summary>The directory <see cref="Path"/> is relative to (the root, or a file root's directory).</summary>
    [JsonIgnore]
    internal string Directory { get; init; } = "";

    /// <summary>"delete", "mkdir", "write", "symlink" or "chmod".</summary>
    [JsonPropertyName("action")]
    public required string Action { get; init; }
}
