using System.Text.Json.Serialization;

namespace Nono.Core.Snapshots;

/// <summary>Summary of one snapshot in a session, as recorded in the session index.</summary>
public sealed record SnapshotInfo
{
    /// <summary>Position in the session: 0 is the baseline taken before the child started.</summary>
    [JsonPropertyName("index")]
    public required int Index { get; init; }

    /// <summary>When the snapshot was taken.</summary>
    [JsonPropertyName("createdAt")]
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Free-form label, e.g. "baseline" or "final".</summary>
    [JsonPropertyName("label")]
    public string? Label { get; init; }

    /// <summary>Hex SHA-256 Merkle root over the manifest (leaf 0x00, node 0x01 domain separation).</summary>
    [JsonPropertyName("merkleRoot")]
    public required string MerkleRoot { get; init; }

    /// <summary>Number of regular files.</summary>
    [JsonPropertyName("files")]
    public int Files { get; init; }

    /// <summary>Number of directories, roots included.</summary>
    [JsonPropertyName("directories")]
    public int Directories { get; init; }

    /// <summary>Number of symlinks.</summary>
    [JsonPropertyName("symlinks")]
    public int Symlinks { get; init; }

    /// <summary>Special files seen and not recorded.</summary>
    [JsonPropertyName("skipped")]
    public int Skipped { get; init; }

    /// <summary>Sum of regular file sizes.</summary>
    [JsonPropertyName("totalBytes")]
    public long TotalBytes { get; init; }

    /// <summary>Files whose content was read (the rest were unchanged since the previous snapshot).</summary>
    [JsonPropertyName("filesRead")]
    public int FilesRead { get; init; }

    /// <summary>Bytes read and hashed for this snapshot.</summary>
    [JsonPropertyName("bytesRead")]
    public long BytesRead { get; init; }

    /// <summary>
    /// Metadata digests of the excluded paths (default names such as <c>bin</c> or <c>node_modules</c>, and user
    /// patterns): their contents are not snapshotted, but a change inside them is seen at this level.
    /// </summary>
    [JsonPropertyName("excluded")]
    public IReadOnlyList<ExcludedTree> Excluded { get; init; } = [];
}
