using System.Security.Cryptography;
using System.Text.Json;
using Nono.Core.Audit.Events;
using Nono.Core.Trust;

namespace Nono.Core.Audit;

/// <summary>
/// Verifies a recorded session: metadata, per-event leaves and chain, Merkle root, ledger entry and
/// signature, each as a separate check that collects all of its problems.
/// </summary>
public static partial class AuditVerifier
{
    /// <summary>Verifies session <paramref name="sessionId"/> under <paramref name="auditRoot"/>.</summary>
    public static async Task<AuditVerification> VerifyAsync(string auditRoot, string sessionId, AuditVerifyOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(auditRoot);
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        options ??= new AuditVerifyOptions();
        if (!AuditSessionId.IsValid(sessionId))
        {
            return new AuditVerification(sessionId, [new AuditCheck(AuditPart.Metadata, AuditCheckStatus.Failed, [$"invalid session id '{sessionId}'"])]);
        }

        string directory = Path.Combine(auditRoot, sessionId);
        byte[]? metadataBytes = await ReadIfExistsAsync(Path.Combine(directory, AuditFormat.SessionFile), cancellationToken);
        byte[]? eventBytes = await ReadIfExistsAsync(Path.Combine(directory, AuditFormat.EventsFile), cancellationToken);
        byte[] ledgerBytes = AuditLedger.ReadBytes(auditRoot);
        byte[]? attestationBytes = await ReadIfExistsAsync(Path.Combine(directory, AuditFormat.AttestationFile), cancellationToken);

        // Metadata.
        List<string> metadataProblems = [];
        SessionMetadata? metadata = null;
        if (metadataBytes is null)
        {
            metadataProblems.Add($"{AuditFormat.SessionFile} is missing");
        }
        else
        {
            try
            {
                metadata = JsonSerializer.Deserialize(metadataBytes, AuditJsonContext.Default.SessionMetadata);
            }
            catch (JsonException ex)
            {
                metadataProblems.Add($"{AuditFormat.SessionFile} does not parse: {ex.Message.ReplaceLineEndings(" ")}");
            }
        }

        IntegritySummary? integrity = metadata?.Integrity;
        if (metadata is not null)
        {
            if (metadata.SessionId != sessionId)
            {
                metadataProblems.Add($"{AuditFormat.SessionFile} names session '{metadata.SessionId}'");
            }

            if (metadata.Status != SessionStatus.Completed || integrity is null)
            {
                metadataProblems.Add("session was not completed (no integrity summary): the supervisor may have crashed or the session is still running");
            }
            else if (integrity.Algorithm != AuditFormat.IntegrityAlgorithm)
            {
                metadataProblems.Add($"unknown integrity algorithm '{integrity.Algorithm}'");
            }
        }

        // Chain and Merkle root.
        EventChainResult chain = VerifyEvents(eventBytes, sessionId, integrity);
        if (metadata is not null && integrity is not null)
        {
            CheckMetadataAgainstEvents(metadata, chain, metadataProblems);
        }

        List<string> merkleProblems = [];
        if (integrity is not null && !string.Equals(integrity.MerkleRoot, chain.MerkleRoot, StringComparison.Ordinal))
        {
            merkleProblems.Add($"Merkle root over the events is {chain.MerkleRoot}, session.json records {integrity.MerkleRoot}");
        }

        AuditCheck ledger = VerifyLedger(ledgerBytes, sessionId, metadataBytes, integrity);
        AuditCheck signature = VerifySignature(attestationBytes, metadata, options);
        return new AuditVerification(sessionId,
        [
            Check(AuditPart.Metadata, metadataProblems),
            Check(AuditPart.Chain, chain.Problems),
            integrity is null
                ? new AuditCheck(AuditPart.MerkleRoot, AuditCheckStatus.Failed, ["no recorded Merkle root to compare with"])
                : Check(AuditPart.MerkleRoot, merkleProblems),
            ledger,
            signature,
        ]);
    }

    private static AuditCheck Check(AuditPart part, IReadOnlyList<string> problems) =>
        new(part, problems.Count == 0 ? AuditCheckStatus.Passed : AuditCheckStatus.Failed, problems);

    private static async Task<byte[]?> ReadIfExistsAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private static EventChainResult VerifyEvents(byte[]? content, string sessionId, IntegritySummary? integrity)
    {
        List<string> problems = [];
        List<byte[]> leaves = [];
        if (content is null)
        {
            problems.Add($"{AuditFormat.EventsFile} is missing");
            return new EventChainResult(problems, AuditHashing.Hex(MerkleTree.Root(leaves)));
        }

        byte[] genesis = AuditHashing.Genesis(sessionId);
        if (integrity is not null && integrity.Genesis != AuditHashing.Hex(genesis))
        {
            problems.Add("session.json genesis does not belong to this session id");
        }

        byte[] previous = genesis;
        int lineNumber = 0;
        SessionStartedEvent? started = null;
        SessionEndedEvent? ended = null;
        int endedLine = 0;
        int violations = 0;
        foreach ((byte[] line, bool terminated) in AuditEventLog.ReadLines(content))
        {
            lineNumber++;
            if (!terminated)
            {
                problems.Add($"line {lineNumber}: truncated (no newline)");
            }

            AuditRecord? record = AuditEventLog.ParseLine(line, out string? problem);
            if (problem is not null)
            {
                problems.Add($"{AuditFormat.EventsFile} line {lineNumber}: {problem}");
            }

            if (record is null)
            {
                continue;
            }

            long expectedSeq = lineNumber - 1;
            if (record.Seq != expectedSeq)
            {
                problems.Add($"line {lineNumber}: seq {record.Seq}, expected {expectedSeq} (events reordered, removed or inserted)");
            }

            byte[] leaf = AuditHashing.Leaf(expectedSeq, record.EventJson.Span);
            if (record.Leaf != AuditHashing.Hex(leaf))
            {
                problems.Add($"line {lineNumber}: event content does not match its leaf hash");
            }

            byte[] link = AuditHashing.Chain(previous, leaf);
            if (record.Chain != AuditHashing.Hex(link))
            {
                problems.Add($"line {lineNumber}: chain hash does not follow from the previous event");
            }

            leaves.Add(leaf);
            previous = link;
            switch (record.Event)
            {
                case SessionStartedEvent first when expectedSeq == 0:
                    started = first;
                    break;
                case SessionStartedEvent:
                    problems.Add($"line {lineNumber}: session_started is not the first event");
                    break;
                case SessionEndedEvent last when ended is null:
                    (ended, endedLine) = (last, lineNumber);
                    break;
                case SessionEndedEvent:
                    problems.Add($"line {lineNumber}: a second session_ended event");
                    break;
            }

            violations += record.Event is { } parsed && ViolationRules.Evaluate(expectedSeq, parsed) is not null ? 1 : 0;
        }

        if (ended is not null && endedLine != lineNumber)
        {
            problems.Add($"line {endedLine}: session_ended is not the last event");
        }

        if (integrity is not null)
        {
            if (integrity.EventCount != leaves.Count)
            {
                problems.Add($"{leaves.Count} events on disk, session.json records {integrity.EventCount} (truncated or extended)");
            }

            if (integrity.ChainHead != AuditHashing.Hex(previous))
            {
                problems.Add($"chain head is {AuditHashing.Hex(previous)}, session.json records {integrity.ChainHead}");
            }
        }

        return new EventChainResult(problems, AuditHashing.Hex(MerkleTree.Root(leaves))) { Started = started, Ended = ended, Violations = violations };
    }

    private static AuditCheck VerifyLedger(byte[] ledgerBytes, string sessionId, byte[]? metadataBytes, IntegritySummary? integrity)
    {
        LedgerReadResult ledger = AuditLedger.Read(ledgerBytes);
        List<string> problems = [.. ledger.Problems];
        LedgerRecord[] matches = [.. ledger.Records.Where(r => r.Entry.SessionId == sessionId)];
        if (matches.Length == 0)
        {
            problems.Add($"no ledger entry for session {sessionId}");
        }
        else if (matches.Length > 1)
        {
            problems.Add($"{matches.Length} ledger entries for session {sessionId}");
        }
        else
        {
            LedgerEntry entry = matches[0].Entry;
            if (metadataBytes is not null && entry.SessionDigest != Convert.ToHexStringLower(SHA256.HashData(metadataBytes)))
            {
                problems.Add("session.json differs from the version recorded in the ledger");
            }

            if (integrity is not null && (entry.ChainHead != integrity.ChainHead || entry.MerkleRoot != integrity.MerkleRoot || entry.EventCount != integrity.EventCount))
            {
                problems.Add("ledger entry's chain head, Merkle root or event count differs from session.json");
            }
        }

        return Check(AuditPart.Ledger, problems);
    }

    private sealed record EventChainResult(IReadOnlyList<string> Problems, string MerkleRoot)
    {
        public SessionStartedEvent? Started { get; init; }

        public SessionEndedEvent? Ended { get; init; }

        public int Violations { get; init; }
    }
}
