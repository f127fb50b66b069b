using System.Text.Json.Serialization;

namespace Nono.Core.Audit;

/// <summary>The independently checked parts of a recorded session.</summary>
public enum AuditPart
{
    /// <summary>session.json: present, parseable, completed, consistent with the events.</summary>
    [JsonStringEnumMemberName("metadata")]
    Metadata,

    /// <summary>The per-event leaf hashes and the hash chain through audit-events.ndjson.</summary>
    [JsonStringEnumMemberName("chain")]
    Chain,

    /// <summary>The Merkle root over the events, against session.json.</summary>
    [JsonStringEnumMemberName("merkle_root")]
    MerkleRoot,

    /// <summary>The session's entry in the chained ledger.</summary>
    [JsonStringEnumMemberName("ledger")]
    Ledger,

    /// <summary>The Sigstore bundle (audit-attestation.bundle) signing the session.</summary>
    [JsonStringEnumMemberName("signature")]
    Signature,
}
