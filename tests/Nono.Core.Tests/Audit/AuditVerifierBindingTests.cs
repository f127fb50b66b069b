using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Nono.Core.Audit;
using Nono.Core.Audit.Events;
using Nono.Core.Trust.Keys;
using Nono.Testing;

namespace Nono.Core.Tests.Audit;

/// <summary>
/// session.json is not signed: every field of it must follow from the signed events and statement. The attack of the
/// session-10 audit review: edit session.json (run id, command, exit code, tier, violation count) and rebuild the
/// unkeyed ledger so its digest matches; the signature over the Merkle root still verifies on the old code.
/// </summary>
public sealed class AuditVerifierBindingTests
{
    private static readonly RunnerIdentity s_runner = new() { Repository = "acme/app", RunId = "111", RunAttempt = "1", Workflow = "acme/app/.github/workflows/agent.yml@refs/heads/main" };

    [Fact]
    public async Task Verify_SignedSessionUntouched_PassesWithTheSignature()
    {
        using TempDirectory temp = new();
        using SigningKey key = SigningKey.Generate();
        await RecordWithRunnerAsync(temp.Path, "s");
        await AuditSigner.SignAsync(temp.Path, "s", key, TestContext.Current.CancellationToken);

        AuditVerification result = await AuditVerifier.VerifyAsync(temp.Path, "s", new AuditVerifyOptions { PublicKeyPem = key.PublicKeyPem }, TestContext.Current.CancellationToken);

        Assert.True(result.Verified, string.Join("; ", result.Checks.SelectMany(c => c.Problems)));
        Assert.All(result.Checks, c => Assert.Equal(AuditCheckStatus.Passed, c.Status));
    }

    [Theory]
    [InlineData("run_id")]
    [InlineData("command")]
    [InlineData("exit_code")]
    [InlineData("enforcement_tier")]
    [InlineData("landlock_abi")]
    [InlineData("duration_ms")]
    [InlineData("violation_count")]
    [InlineData("started_at")]
    public async Task Verify_SessionJsonEditedAndLedgerRebuilt_FailsMetadataAndSignature(string field)
    {
        using TempDirectory temp = new();
        using SigningKey key = SigningKey.Generate();
        await RecordWithRunnerAsync(temp.Path, "s");
        await AuditSigner.SignAsync(temp.Path, "s", key, TestContext.Current.CancellationToken);

        await ForgeSessionJsonAsync(temp.Path, "s", field);
        AuditVerification result = await AuditVerifier.VerifyAsync(temp.Path, "s", new AuditVerifyOptions { PublicKeyPem = key.PublicKeyPem }, TestContext.Current.CancellationToken);

        string expected = field == "run_id" ? "runner" : field;
        AuditCheck metadata = result.Checks.Single(c => c.Part == AuditPart.Metadata);
        Assert.Equal(AuditCheckStatus.Failed, metadata.Status);
        Assert.Contains($"session.json differs from the recorded events in: {expected}", string.Join("; ", metadata.Problems), StringComparison.Ordinal);
        Assert.Equal(AuditCheckStatus.Passed, result.Checks.Single(c => c.Part == AuditPart.Ledger).Status);
        if (field is not ("landlock_abi" or "duration_ms"))
        {
            // Signed in the predicate as well.
            AuditCheck signature = result.Checks.Single(c => c.Part == AuditPart.Signature);
            Assert.Equal(AuditCheckStatus.Failed, signature.Status);
            Assert.Contains($"statement predicate differs from session.json in: {expected}", string.Join("; ", signature.Problems), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Verify_EventAfterSessionEndedRebuiltConsistently_FailsTheChain()
    {
        using TempDirectory temp = new();
        await RecordWithRunnerAsync(temp.Path, "s");
        string events = Path.Combine(temp.Path, "s", AuditFormat.EventsFile);
        List<AuditEvent> all = [.. File.ReadAllLines(events).Select(l => AuditEventLog.ParseLine(Encoding.UTF8.GetBytes(l), out _)!.Event!)];
        all.Add(all[^2] with { });
        await RewriteEventsAsync(temp.Path, "s", all);

        AuditVerification result = await AuditVerifier.VerifyAsync(temp.Path, "s", cancellationToken: TestContext.Current.CancellationToken);

        AuditCheck chain = result.Checks.Single(c => c.Part == AuditPart.Chain);
        Assert.Equal(AuditCheckStatus.Failed, chain.Status);
        Assert.Contains("session_ended is not the last event", string.Join("; ", chain.Problems), StringComparison.Ordinal);
    }

    private static async Task RecordWithRunnerAsync(string root, string id)
    {
        ManualTimeProvider time = new(AuditFixture.Start);
        await using AuditSession session = await AuditSession.CreateAsync(
            root,
            new SessionStart { SessionId = id, Command = ["sh", "-c", "echo evil > x; exit 3"], PolicyDigest = "sha256:" + new string('b', 64), EnforcementTier = "landlock+seccomp", LandlockAbi = 4, Kernel = "6.8.0", Runner = s_runner },
            time,
            TestContext.Current.CancellationToken);
        await session.AppendAsync(new FilesystemDeniedEvent { Path = "/etc/shadow", Access = "read" }, TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromSeconds(3));
        await session.CompleteAsync(new SessionEnd { ExitCode = 3 }, TestContext.Current.CancellationToken);
    }

    /// <summary>What /tmp/review-audit/tamper.py did: edit one field, then rebuild the ledger so its digest matches.</summary>
    private static async Task ForgeSessionJsonAsync(string root, string id, string field)
    {
        string path = Path.Combine(root, id, AuditFormat.SessionFile);
        SessionMetadata m = JsonSerializer.Deserialize(File.ReadAllBytes(path), AuditJsonContext.Default.SessionMetadata)!;
        m = field switch
        {
            "run_id" => m with { Runner = m.Runner! with { RunId = "222" } },
            "command" => m with { Command = ["npm", "test"] },
            "exit_code" => m with { ExitCode = 0 },
            "enforcement_tier" => m with { EnforcementTier = "LandlockV7 (everything enforced)" },
            "landlock_abi" => m with { LandlockAbi = 7 },
            "duration_ms" => m with { DurationMs = 1 },
            "violation_count" => m with { ViolationCount = 0 },
            "started_at" => m with { StartedAt = m.StartedAt.ToOffset(TimeSpan.FromHours(-11)) }, // same instant (review N-A)
            _ => throw new ArgumentOutOfRangeException(nameof(field), field),
        };
        await WriteAndRebuildLedgerAsync(root, id, m);
    }

    private static async Task RewriteEventsAsync(string root, string id, List<AuditEvent> events)
    {
        List<byte[]> leaves = [];
        byte[] chain = AuditHashing.Genesis(id);
        using MemoryStream output = new();
        foreach (AuditEvent e in events)
        {
            byte[] json = JsonSerializer.SerializeToUtf8Bytes(e, AuditJsonContext.Default.AuditEvent);
            byte[] leaf = AuditHashing.Leaf(leaves.Count, json);
            chain = AuditHashing.Chain(chain, leaf);
            output.Write(AuditEventLog.FormatLine(leaves.Count, leaf, chain, json));
            leaves.Add(leaf);
        }

        File.WriteAllBytes(Path.Combine(root, id, AuditFormat.EventsFile), output.ToArray());
        string path = Path.Combine(root, id, AuditFormat.SessionFile);
        SessionMetadata m = JsonSerializer.Deserialize(File.ReadAllBytes(path), AuditJsonContext.Default.SessionMetadata)!;
        m = m with { Integrity = m.Integrity! with { EventCount = leaves.Count, ChainHead = AuditHashing.Hex(chain), MerkleRoot = AuditHashing.Hex(Nono.Core.Trust.MerkleTree.Root(leaves)) } };
        await WriteAndRebuildLedgerAsync(root, id, m);
    }

    private static async Task WriteAndRebuildLedgerAsync(string root, string id, SessionMetadata m)
    {
        byte[] bytes = AuditSession.SerializeMetadata(m);
        File.WriteAllBytes(Path.Combine(root, id, AuditFormat.SessionFile), bytes);
        File.Delete(Path.Combine(root, AuditFormat.LedgerFile));
        await AuditLedger.AppendAsync(root, new LedgerEntry
        {
            SessionId = id,
            CompletedAt = m.EndedAt!.Value,
            EventCount = m.Integrity!.EventCount,
            ChainHead = m.Integrity.ChainHead,
            MerkleRoot = m.Integrity.MerkleRoot,
            SessionDigest = Convert.ToHexStringLower(SHA256.HashData(bytes)),
        }, TestContext.Current.CancellationToken);
    }
}
