using System.Text.Json.Serialization;

namespace Nono.Core.Trust.Sigstore;

/// <summary>An inclusion proof.</summary>
public sealed record InclusionProof
{
    /// <summary>Index of the entry in the tree.</summary>
    [JsonPropertyName("logIndex")]
    public long LogIndex { get; init; }

    /// <summary>Root hash the proof leads to.</summary>
    [JsonPropertyName("rootHash")]
    public byte[]? RootHash { get; init; }

    /// <summary>Tree size of the root.</summary>
    [JsonPropertyName("treeSize")]
    public long TreeSize { get; init; }

    /// <summary>Audit path hashes.</summary>
    [JsonPropertyName("hashes")]
    public IReadOnlyList<byte[]>? Hashes { get; init; }

    /// <summary>The signed checkpoint.</summary>
    [JsonPropertyName("checkpoint")]
    public Checkpoint? Checkpoint { get; init; }
}
