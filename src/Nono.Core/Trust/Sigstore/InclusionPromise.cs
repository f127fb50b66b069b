using System.Text.Json.Serialization;

namespace Nono.Core.Trust.Sigstore;

/// <summary>A signed entry timestamp.</summary>
public sealed record InclusionPromise
{
    /// <summary>The SET signature.</summary>
    [JsonPropertyName("signedEntryTimestamp")]
    public byte[]? SignedEntryTimestamp { get; init; }
}
