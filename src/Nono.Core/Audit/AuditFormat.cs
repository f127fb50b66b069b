namespace Nono.Core.Audit;

/// <summary>File names and format constants of the on-disk audit layout (compatible with the Rust nono).</summary>
public static class AuditFormat
{
    /// <summary>Per-session metadata and integrity summary.</summary>
    public const string SessionFile = "session.json";

    /// <summary>Newline-delimited JSON events of a session.</summary>
    public const string EventsFile = "audit-events.ndjson";

    /// <summary>The Sigstore bundle signing the session, when signed.</summary>
    public const string AttestationFile = "audit-attestation.bundle";

    /// <summary>The append-only, chained ledger of finished sessions under the audit root.</summary>
    public const string LedgerFile = "ledger.ndjson";

    /// <summary>Identifier of the hashing scheme.</summary>
    public const string IntegrityAlgorithm = "sha256/nono-audit-v1";

    /// <summary>The audit root for a state directory: <c>&lt;stateRoot&gt;/nono/audit</c>.</summary>
    public static string AuditRoot(string stateRoot)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateRoot);
        return Path.Combine(stateRoot, "nono", "audit");
    }
}
