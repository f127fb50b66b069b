using System.Text.Json.Serialization;

namespace Nono.Core.Trust.Dsse;

/// <summary>A DSSE envelope as carried in a Sigstore bundle (payload bytes are base64 in JSON).</summary>
public sealed record DsseEnvelope
{
    /// <summary>The signed payload.</summary>
    [JsonPropertyName("payload")]
    public byte[] Payload { get; init; } = [];

    /// <summary>The payload's media type, e.g. <c>application/vnd.in-toto+json</c>.</summary>
    [JsonPropertyName("payloadType")]
    public string PayloadType { get; init; } = "";

    /// <summary>The signatures over the PAE of type and payload.</summary>
    [JsonPropertyName("signatures")]
    public IReadOnlyList<DsseSignature> Signatures { get; init; } = [];
}
