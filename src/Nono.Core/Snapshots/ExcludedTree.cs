using System.Text.Json.Serialization;

namespace Nono.Core.Snapshots;

/// <summary>
/// An excluded path (a default name such as <c>bin</c> or <c>node_modules</c>, or a user pattern) as one snapshot saw
/// it: not its contents, only a digest over the metadata of every entry below it (name, type, mode, owner, size, mtime,
/// ctime, inode). A change inside an excluded subtree shows as a different digest, never as file contents or a diff.
/// </summary>
public sealed record ExcludedTree
{
    /// <summary>The snapshot root the path is relative to.</summary>
    [JsonPropertyName("root")]
    public required string Root { get; init; }

    /// <summary>The path relative to the root, as shown to users.</summary>
    [JsonPropertyName("path")]
    public required string Path { get; init; }

    /// <summary>The path relative to the root in the raw form (one char per byte), the key that pairs two snapshots.</summary>
    [JsonPropertyName("raw")]
    public required string Raw { get; init; }

    /// <summary>Hex SHA-256 over the metadata of the path and everything below it.</summary>
    [JsonPropertyName("digest")]
    public required string Digest { get; init; }

    /// <summary>How many entries the digest covers, the path itself included.</summary>
    [JsonPropertyName("entries")]
    public long Entries { get; init; }

    /// <summary>False when the walk stopped at the per-snapshot budget: what lies beyond is not covered, and the path counts as changed.</summary>
    [JsonPropertyName("complete")]
    public bool Complete { get; init; } = true;
}
