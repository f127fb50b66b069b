using System.Text.Json.Serialization;

namespace Nono.Core.Trust.Sigstore;

/// <summary>A signed note checkpoint.</summary>
public sealed record Checkpoint
{
    /// <summary>The note text with signature lines.</summary>
    [JsonPropertyName("envelope")]
    public string? Envelope { get; init; }
}
