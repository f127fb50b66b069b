namespace Nono.Core.Audit;

/// <summary>One finished session in the audit root's ledger.</summary>
public sealed record LedgerEntry
{
    /// <summary>Position in the ledger, from 0.</summary>
    public long Seq { get; init; }

    /// <summary>The session id.</summary>
    public required string SessionId { get; init; }

    /// <summary>When the session completed.</summary>
    public DateTimeOffset CompletedAt { get; init; }

    /// <summary>Event count of the session.</summary>
    public long EventCount { get; init; }

    /// <summary>The session's chain head (hex).</summary>
    public required string ChainHead { get; init; }

    /// <summary>The session's Merkle root (hex).</summary>
    public required string MerkleRoot { get; init; }

    /// <summary>SHA-256 of the exact bytes of the session's session.json (hex).</summary>
    public required string SessionDigest { get; init; }
}
