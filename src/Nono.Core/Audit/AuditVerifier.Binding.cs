using Nono.Core.Audit.Events;

namespace Nono.Core.Audit;

public static partial class AuditVerifier
{
    /// <summary>
    /// session.json is not signed and, in an artifact, its ledger entry can be rebuilt by anyone: every field a reader
    /// uses must follow from the events, whose Merkle root the signature covers (review of session 9, M1).
    /// </summary>
    private static void CheckMetadataAgainstEvents(SessionMetadata metadata, EventChainResult chain, List<string> problems)
    {
        if (chain.Started is not { } started)
        {
            problems.Add("the first event is not session_started: session.json cannot be matched with the events");
            return;
        }

        List<string> differing = [];
        Differs(differing, "command", !metadata.Command.SequenceEqual(started.Command));
        Differs(differing, "started_at", !SameTime(metadata.StartedAt, started.Timestamp));
        Differs(differing, "policy_digest", metadata.PolicyDigest != started.PolicyDigest);
        Differs(differing, "enforcement_tier", metadata.EnforcementTier != started.EnforcementTier);
        Differs(differing, "landlock_abi", metadata.LandlockAbi != started.LandlockAbi);
        Differs(differing, "kernel", metadata.Kernel != started.Kernel);
        Differs(differing, "runner", metadata.Runner != started.Runner);
        Differs(differing, "violation_count", metadata.ViolationCount != chain.Violations);
        if (chain.Ended is not { } ended)
        {
            problems.Add("the last event is not session_ended: the recorded exit and duration cannot be matched with the events");
        }
        else
        {
            Differs(differing, "ended_at", !SameTime(metadata.EndedAt, ended.Timestamp));
            Differs(differing, "exit_code", metadata.ExitCode != ended.ExitCode);
            Differs(differing, "signal", metadata.Signal != ended.Signal);
            Differs(differing, "duration_ms", metadata.DurationMs != ended.DurationMs);
        }

        if (differing.Count > 0)
        {
            problems.Add($"{AuditFormat.SessionFile} differs from the recorded events in: {string.Join(", ", differing)}");
        }
    }

    /// <summary>Every field the statement signs must equal session.json, so a signed statement vouches for all of it.</summary>
    private static void CheckPredicateAgainstMetadata(AuditPredicate predicate, SessionMetadata metadata, IntegritySummary integrity, List<string> problems)
    {
        if (predicate.SessionId != metadata.SessionId || predicate.ChainHead != integrity.ChainHead
            || predicate.MerkleRoot != integrity.MerkleRoot || predicate.EventCount != integrity.EventCount)
        {
            problems.Add("statement predicate (session id, chain head, Merkle root, event count) does not match the session");
        }

        List<string> differing = [];
        Differs(differing, "command", !predicate.Command.SequenceEqual(metadata.Command));
        Differs(differing, "started_at", !SameTime(predicate.StartedAt, metadata.StartedAt));
        Differs(differing, "ended_at", !SameTime(predicate.EndedAt, metadata.EndedAt));
        Differs(differing, "policy_digest", predicate.PolicyDigest != metadata.PolicyDigest);
        Differs(differing, "enforcement_tier", predicate.EnforcementTier != metadata.EnforcementTier);
        Differs(differing, "exit_code", predicate.ExitCode != metadata.ExitCode);
        Differs(differing, "runner", predicate.Runner != metadata.Runner);
        Differs(differing, "violation_count", predicate.ViolationCount != (metadata.ViolationCount ?? 0));
        Differs(differing, "snapshot_roots", !(predicate.SnapshotRoots ?? []).SequenceEqual(metadata.SnapshotRoots ?? []) || (predicate.SnapshotRoots is null) != (metadata.SnapshotRoots is null));
        if (differing.Count > 0)
        {
            problems.Add($"statement predicate differs from {AuditFormat.SessionFile} in: {string.Join(", ", differing)}");
        }
    }

    /// <summary>Same instant and same offset: DateTimeOffset's == ignores the offset, so a rewritten offset would pass (review N-A).</summary>
    private static bool SameTime(DateTimeOffset? a, DateTimeOffset? b) => a == b && a?.Offset == b?.Offset;

    private static void Differs(List<string> differing, string field, bool differs)
    {
        if (differs)
        {
            differing.Add(field);
        }
    }
}
