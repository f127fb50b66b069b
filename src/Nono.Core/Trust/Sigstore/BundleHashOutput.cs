using System.Text.Json.Serialization;

namespace Nono.Core.Trust.Sigstore;

/// <summary>A digest with its algorithm.</summary>
public sealed record BundleHashOutput
{
    /// <summary>e.g. SHA2_256.</summary>
    [JsonPropertyName("algorithm")]
    public string? Algorithm { get; init; }

    /// <summary>The digest bytes.</summary>
    [JsonPropertyName("digest")]
    public byte[]? Digest { get; init; }
}
