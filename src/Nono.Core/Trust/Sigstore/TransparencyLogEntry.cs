using System.Text.Json.Serialization;

namespace Nono.Core.Trust.Sigstore;

/// <summary>A Rekor entry with its inclusion promise and/or proof (<c>dev.sigstore.rekor.v1.TransparencyLogEntry</c>).</summary>
public sealed record TransparencyLogEntry
{
    /// <summary>Global log index (v1) or shard index.</summary>
    [JsonPropertyName("logIndex")]
    public long LogIndex { get; init; }

    /// <summary>The log's key id.</summary>
    [JsonPropertyName("logId")]
    public LogId? LogId { get; init; }

    /// <summary>Entry kind and version (e.g. hashedrekord 0.0.1, dsse 0.0.2).</summary>
    [JsonPropertyName("kindVersion")]
    public KindVersion? KindVersion { get; init; }

    /// <summary>Unix seconds when the log integrated the entry (0 for Rekor v2).</summary>
    [JsonPropertyName("integratedTime")]
    public long IntegratedTime { get; init; }

    /// <summary>The signed entry timestamp.</summary>
    [JsonPropertyName("inclusionPromise")]
    public InclusionPromise? InclusionPromise { get; init; }

    /// <summary>The inclusion proof with its checkpoint.</summary>
    [JsonPropertyName("inclusionProof")]
    public InclusionProof? InclusionProof { get; init; }

    /// <summary>The canonicalized entry body.</summary>
    [JsonPropertyName("canonicalizedBody")]
    public byte[]? CanonicalizedBody { get; init; }
}
