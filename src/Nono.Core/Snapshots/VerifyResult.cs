using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nono.Core.Snapshots;

/// <summary>Outcome of verifying a session: every problem found, not just the first.</summary>
public sealed record VerifyResult
{
    /// <summary>The session verified.</summary>
    [JsonPropertyName("session")]
    public required string Session { get; init; }

    /// <summary>Snapshots whose manifest and Merkle root were checked.</summary>
    [JsonPropertyName("snapshots")]
    public int Snapshots { get; init; }

    /// <summary>Distinct objects decompressed and re-hashed.</summary>
    [JsonPropertyName("objects")]
    public int Objects { get; init; }

    /// <summary>One line per problem; empty when the session is intact.</summary>
    [JsonPropertyName("problems")]
    public required IReadOnlyList<string> Problems { get; init; }

    /// <summary>True when no problem was found.</summary>
    [JsonPropertyName("ok")]
    public bool Ok => Problems.Count == 0;

    /// <summary>The result as JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, SnapshotJsonContext.Default.VerifyResult);
}
