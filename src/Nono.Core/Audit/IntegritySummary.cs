namespace Nono.Core.Audit;

/// <summary>The integrity values of a finished session, stored in session.json and in the ledger.</summary>
public sealed record IntegritySummary
{
    /// <summary>Hash algorithm and scheme (always <c>sha256/nono-audit-v1</c> for now).</summary>
    public string Algorithm { get; init; } = AuditFormat.IntegrityAlgorithm;

    /// <summary>Number of events in audit-events.ndjson.</summary>
    public long EventCount { get; init; }

    /// <summary>The chain value before the first event (hex).</summary>
    public required string Genesis { get; init; }

    /// <summary>The chain value after the last event (hex).</summary>
    public required string ChainHead { get; init; }

    /// <summary>The RFC 6962 Merkle root over the event leaf hashes (hex).</summary>
    public required string MerkleRoot { get; init; }
}
