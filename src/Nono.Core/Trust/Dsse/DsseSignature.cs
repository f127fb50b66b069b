using System.Text.Json.Serialization;

namespace Nono.Core.Trust.Dsse;

/// <summary>One DSSE signature.</summary>
public sealed record DsseSignature
{
    /// <summary>The signature bytes.</summary>
    [JsonPropertyName("sig")]
    public byte[] Sig { get; init; } = [];

    /// <summary>Optional key id hint.</summary>
    [JsonPropertyName("keyid")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? KeyId { get; init; }
}
