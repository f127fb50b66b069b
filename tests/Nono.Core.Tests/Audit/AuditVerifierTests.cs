using System.Text;
using Nono.Core.Audit;
using Nono.Core.Audit.Events;
using Nono.Testing;

namespace Nono.Core.Tests.Audit;

public sealed class AuditVerifierTests
{
    // Metadata too where the tamper changes what session.json must match: the violation count (a dropped denial) or
    // the session_ended event (truncation).
    public static TheoryData<string, AuditPart[]> Tampers => new()
    {
        { "flip-byte", [AuditPart.Chain, AuditPart.MerkleRoot] },
        { "drop-line", [AuditPart.Metadata, AuditPart.Chain, AuditPart.MerkleRoot] },
        { "swap-lines", [AuditPart.Chain, AuditPart.MerkleRoot] },
        { "truncate-last-event", [AuditPart.Metadata, AuditPart.Chain, AuditPart.MerkleRoot] },
        { "truncate-mid-line", [AuditPart.Metadata, AuditPart.Chain, AuditPart.MerkleRoot] },
        { "append-forged-event", [AuditPart.Chain, AuditPart.MerkleRoot] },
        { "rewrite-events-and-summary", [AuditPart.Ledger] },
        { "edit-session-json", [AuditPart.Metadata, AuditPart.Ledger] },
        { "delete-session-json", [AuditPart.Metadata, AuditPart.MerkleRoot] },
        { "remove-ledger-entry", [AuditPart.Ledger] },
        { "edit-ledger-entry", [AuditPart.Ledger] },
    };

    [Theory]
    [MemberData(nameof(Tampers))]
    public async Task Verify_TamperedSession_FailsNamingThePart(string tamper, AuditPart[] expectedFailed)
    {
        using TempDirectory temp = new();
        CancellationToken ct = TestContext.Current.CancellationToken;
        SessionMetadata victim = await AuditFixture.RecordAsync(temp.Path, "victim", ct: ct);
        SessionMetadata bystander = await AuditFixture.RecordAsync(temp.Path, "bystander", ct: ct);
        Assert.True((await AuditVerifier.VerifyAsync(temp.Path, victim.SessionId, cancellationToken: TestContext.Current.CancellationToken)).Verified);

        Tamper(temp.Path, victim.SessionId, tamper);
        AuditVerification result = await AuditVerifier.VerifyAsync(temp.Path, victim.SessionId, cancellationToken: TestContext.Current.CancellationToken);

        Assert.False(result.Verified);
        Assert.Equal(expectedFailed, result.FailedParts.ToArray());
        if (tamper is not ("remove-ledger-entry" or "edit-ledger-entry"))
        {
            // The untouched session next to it still verifies.
            Assert.True((await AuditVerifier.VerifyAsync(temp.Path, bystander.SessionId, cancellationToken: TestContext.Current.CancellationToken)).Verified);
        }
    }

    [Fact]
    public async Task Verify_UntouchedSession_AllPartsPassAndSignatureAbsent()
    {
        using TempDirectory temp = new();
        SessionMetadata session = await AuditFixture.RecordAsync(temp.Path, ct: TestContext.Current.CancellationToken);

        AuditVerification result = await AuditVerifier.VerifyAsync(temp.Path, session.SessionId, cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(result.Verified);
        Assert.Equal(
            [AuditCheckStatus.Passed, AuditCheckStatus.Passed, AuditCheckStatus.Passed, AuditCheckStatus.Passed, AuditCheckStatus.Absent],
            result.Checks.Select(c => c.Status).ToArray());
    }

    [Fact]
    public async Task Verify_EventMovedFromAnotherSession_FailsChain()
    {
        using TempDirectory temp = new();
        CancellationToken ct = TestContext.Current.CancellationToken;
        await AuditFixture.RecordAsync(temp.Path, "a", ct: ct);
        await AuditFixture.RecordAsync(temp.Path, "b", ct: ct);
        string[] a = File.ReadAllLines(Path.Combine(temp.Path, "a", AuditFormat.EventsFile));
        string[] b = File.ReadAllLines(Path.Combine(temp.Path, "b", AuditFormat.EventsFile));

        // Same seq, same event bytes, valid-looking hashes: but chained from another session's genesis.
        b[3] = a[3];
        File.WriteAllLines(Path.Combine(temp.Path, "b", AuditFormat.EventsFile), b);

        Assert.True(a[3] != b[2]);
        Assert.Contains(AuditPart.Chain, (await AuditVerifier.VerifyAsync(temp.Path, "b", cancellationToken: TestContext.Current.CancellationToken)).FailedParts);
    }

    private static void Tamper(string root, string id, string tamper)
    {
        string events = Path.Combine(root, id, AuditFormat.EventsFile);
        string session = Path.Combine(root, id, AuditFormat.SessionFile);
        string ledger = Path.Combine(root, AuditFormat.LedgerFile);
        List<string> lines = [.. File.ReadAllLines(events)];
        switch (tamper)
        {
            case "flip-byte":
                byte[] bytes = File.ReadAllBytes(events);
                int at = Encoding.UTF8.GetString(bytes).IndexOf("evil.example", StringComparison.Ordinal);
                bytes[at] ^= 0x01; // "evil" -> "dvil": still valid JSON, different content
                File.WriteAllBytes(events, bytes);
                break;
            case "drop-line":
                lines.RemoveAt(3);
                File.WriteAllLines(events, lines);
                break;
            case "swap-lines":
                (lines[2], lines[3]) = (lines[3], lines[2]);
                File.WriteAllLines(events, lines);
                break;
            case "truncate-last-event":
                lines.RemoveAt(lines.Count - 1);
                File.WriteAllLines(events, lines);
                break;
            case "truncate-mid-line":
                byte[] all = File.ReadAllBytes(events);
                File.WriteAllBytes(events, all[..(all.Length - 20)]);
                break;
            case "append-forged-event":
                File.AppendAllText(events, Encoding.UTF8.GetString(Forge(id, lines.Count, LastChain(lines), new NetworkEvent { Host = "forged.example", Port = 443, Decision = NetworkDecision.Allowed })));
                break;
            case "rewrite-events-and-summary":
                // An attacker without a key recomputes every hash and session.json consistently;
                // only the ledger (and a signature) still remember the original.
                RewriteConsistently(root, id);
                break;
            case "edit-session-json":
                File.WriteAllText(session, File.ReadAllText(session).Replace("\"exit_code\":0", "\"exit_code\":1", StringComparison.Ordinal));
                break;
            case "delete-session-json":
                File.Delete(session);
                break;
            case "remove-ledger-entry":
                File.WriteAllLines(ledger, File.ReadAllLines(ledger).Where(l => !l.Contains($"\"session_id\":\"{id}\"", StringComparison.Ordinal)));
                break;
            case "edit-ledger-entry":
                File.WriteAllText(ledger, File.ReadAllText(ledger).Replace("\"event_count\":8", "\"event_count\":7", StringComparison.Ordinal));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(tamper), tamper);
        }
    }

    private static byte[] LastChain(List<string> lines)
    {
        AuditRecord record = AuditEventLog.ParseLine(Encoding.UTF8.GetBytes(lines[^1]), out _)!;
        return Convert.FromHexString(record.Chain);
    }

    private static byte[] Forge(string id, long seq, byte[] previous, AuditEvent e)
    {
        _ = id;
        byte[] json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(e with { Timestamp = AuditFixture.Start }, AuditJsonContext.Default.AuditEvent);
        byte[] leaf = AuditHashing.Leaf(seq, json);
        return AuditEventLog.FormatLine(seq, leaf, AuditHashing.Chain(previous, leaf), json);
    }

    private static void RewriteConsistently(string root, string id)
    {
        string events = Path.Combine(root, id, AuditFormat.EventsFile);
        List<byte[]> leaves = [];
        byte[] chain = AuditHashing.Genesis(id);
        using MemoryStream output = new();
        foreach (string line in File.ReadAllLines(events))
        {
            AuditRecord record = AuditEventLog.ParseLine(Encoding.UTF8.GetBytes(line), out _)!;
            AuditEvent e = record.Event is NetworkEvent { Decision: NetworkDecision.Denied } n ? n with { Decision = NetworkDecision.Allowed } : record.Event!;
            byte[] json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(e, AuditJsonContext.Default.AuditEvent);
            byte[] leaf = AuditHashing.Leaf(leaves.Count, json);
            chain = AuditHashing.Chain(chain, leaf);
            output.Write(AuditEventLog.FormatLine(leaves.Count, leaf, chain, json));
            leaves.Add(leaf);
        }

        File.WriteAllBytes(events, output.ToArray());
        string sessionPath = Path.Combine(root, id, AuditFormat.SessionFile);
        SessionMetadata metadata = System.Text.Json.JsonSerializer.Deserialize(File.ReadAllBytes(sessionPath), AuditJsonContext.Default.SessionMetadata)!;
        metadata = metadata with
        {
            ViolationCount = 2,
            Integrity = metadata.Integrity! with { ChainHead = AuditHashing.Hex(chain), MerkleRoot = AuditHashing.Hex(Nono.Core.Trust.MerkleTree.Root(leaves)) },
        };
        File.WriteAllBytes(sessionPath, AuditSession.SerializeMetadata(metadata));
    }
}
