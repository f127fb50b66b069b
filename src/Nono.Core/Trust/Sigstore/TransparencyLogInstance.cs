using System.Text.Json.Serialization;

namespace Nono.Core.Trust.Sigstore;

/// <summary>A transparency log (Rekor or CT) in the trusted root.</summary>
public sealed record TransparencyLogInstance
{
    /// <summary>Base URL; for Rekor v2 its host is the checkpoint origin.</summary>
    [JsonPropertyName("baseUrl")]
    public string? BaseUrl { get; init; }

    /// <summary>Hash algorithm of the log.</summary>
    [JsonPropertyName("hashAlgorithm")]
    public string? HashAlgorithm { get; init; }

    /// <summary>The log's public key.</summary>
    [JsonPropertyName("publicKey")]
    public TrustedPublicKey? PublicKey { get; init; }

    /// <summary>The log's id.</summary>
    [JsonPropertyName("logId")]
    public LogId? LogId { get; init; }

    /// <summary>Checkpoint key id (Rekor v2), when different from the log id.</summary>
    [JsonPropertyName("checkpointKeyId")]
    public LogId? CheckpointKeyId { get; init; }
}
