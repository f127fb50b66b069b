using System.Text.Json;
using Nono.Core.Audit;
using Nono.Core.Diagnostics;
using Nono.Core.Trust.Dsse;
using Nono.Core.Trust.InToto;
using Nono.Core.Trust.Keys;
using Nono.Core.Trust.Sigstore;
using Nono.Testing;

namespace Nono.Core.Tests.Audit;

public sealed class AuditSignerTests
{
    [Fact]
    public async Task SignAsync_ThenVerifyWithPinnedKey_AllPartsPass()
    {
        using TempDirectory temp = new();
        using SigningKey key = SigningKey.Generate();
        SessionMetadata session = await AuditFixture.RecordAsync(temp.Path, "signed", ct: TestContext.Current.CancellationToken);

        SigstoreBundle bundle = await AuditSigner.SignAsync(temp.Path, "signed", key, TestContext.Current.CancellationToken);
        AuditVerification result = await AuditVerifier.VerifyAsync(temp.Path, "signed", new AuditVerifyOptions { PublicKeyPem = key.PublicKeyPem }, cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(result.Verified, string.Join("; ", result.Checks.SelectMany(c => c.Problems)));
        Assert.Equal(AuditCheckStatus.Passed, result.Checks.Single(c => c.Part == AuditPart.Signature).Status);
        Assert.Equal("application/vnd.dev.sigstore.bundle.v0.3+json", bundle.MediaType);
        Assert.Equal(key.Hint, bundle.VerificationMaterial!.PublicKey!.Hint);
        Assert.Equal("application/vnd.in-toto+json", bundle.DsseEnvelope!.PayloadType);
        InTotoStatement statement = JsonSerializer.Deserialize(bundle.DsseEnvelope.Payload, SigstoreJsonContext.Default.InTotoStatement)!;
        Assert.Equal("https://in-toto.io/Statement/v1", statement.Type);
        Assert.Equal(session.Integrity!.MerkleRoot, statement.Subject[0].Digest["sha256"]);
        Assert.Equal(3, statement.Predicate!.Value.GetProperty("violation_count").GetInt32());
        Assert.Equal(session.Integrity.ChainHead, statement.Predicate.Value.GetProperty("chain_head").GetString());
    }

    [Fact]
    public async Task Verify_SignedWithoutKeyGiven_SignatureUnverifiedNotPassed()
    {
        using TempDirectory temp = new();
        using SigningKey key = SigningKey.Generate();
        await AuditFixture.RecordAsync(temp.Path, "s", ct: TestContext.Current.CancellationToken);
        await AuditSigner.SignAsync(temp.Path, "s", key, TestContext.Current.CancellationToken);

        AuditCheck signature = (await AuditVerifier.VerifyAsync(temp.Path, "s", cancellationToken: TestContext.Current.CancellationToken)).Checks.Single(c => c.Part == AuditPart.Signature);

        Assert.Equal(AuditCheckStatus.Unverified, signature.Status);
    }

    public static TheoryData<string> SignatureTampers => ["replace-signature", "replace-key", "resign-with-other-key", "delete-bundle", "rewrite-everything-but-signature"];

    [Theory]
    [MemberData(nameof(SignatureTampers))]
    public async Task Verify_SignatureTampered_FailsSignaturePart(string tamper)
    {
        using TempDirectory temp = new();
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SigningKey key = SigningKey.Generate();
        using SigningKey other = SigningKey.Generate();
        await AuditFixture.RecordAsync(temp.Path, "s", ct: ct);
        await AuditSigner.SignAsync(temp.Path, "s", key, ct);
        string bundlePath = Path.Combine(temp.Path, "s", AuditFormat.AttestationFile);
        string pinned = key.PublicKeyPem;
        switch (tamper)
        {
            case "replace-signature":
                SigstoreBundle b = JsonSerializer.Deserialize(File.ReadAllBytes(bundlePath), SigstoreJsonContext.Default.SigstoreBundle)!;
                byte[] sig = [.. b.DsseEnvelope!.Signatures[0].Sig];
                sig[^3] ^= 0xFF;
                b = b with { DsseEnvelope = b.DsseEnvelope with { Signatures = [b.DsseEnvelope.Signatures[0] with { Sig = sig }] } };
                File.WriteAllBytes(bundlePath, JsonSerializer.SerializeToUtf8Bytes(b, SigstoreJsonContext.Default.SigstoreBundle));
                break;
            case "replace-key":
                pinned = other.PublicKeyPem;
                break;
            case "resign-with-other-key":
                await AuditSigner.SignAsync(temp.Path, "s", other, ct);
                break;
            case "delete-bundle":
                File.Delete(bundlePath);
                break;
            case "rewrite-everything-but-signature":
                // Wipe the ledger and record a different session under the same id: integrity is
                // self-consistent again, only the signature still binds the original.
                File.Delete(Path.Combine(temp.Path, AuditFormat.LedgerFile));
                byte[] bundleBytes = File.ReadAllBytes(bundlePath);
                Directory.Delete(Path.Combine(temp.Path, "s"), recursive: true);
                await AuditFixture.RecordAsync(temp.Path, "s", new ManualTimeProvider(AuditFixture.Start.AddHours(1)), ct);
                File.WriteAllBytes(bundlePath, bundleBytes);
                break;
        }

        AuditVerification result = await AuditVerifier.VerifyAsync(temp.Path, "s", new AuditVerifyOptions { PublicKeyPem = pinned }, cancellationToken: TestContext.Current.CancellationToken);

        Assert.False(result.Verified);
        Assert.Equal([AuditPart.Signature], result.FailedParts.ToArray());
    }

    /// <summary>
    /// The signed predicate is read strictly: a duplicated or unknown property, validly signed, fails the signature part
    /// naming the file and the property (a duplicate with the same value passed before: readers could disagree).
    /// </summary>
    [Theory]
    [InlineData("\"session_id\":\"s\",\"session_id\":\"s\"", "session_id")]
    [InlineData("\"session_id\":\"s\",\"smuggled\":0", "smuggled")]
    public async Task Verify_PredicateWithDuplicateOrUnknownProperty_FailsSignature(string replacement, string property)
    {
        using TempDirectory temp = new();
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SigningKey key = SigningKey.Generate();
        SessionMetadata session = await AuditFixture.RecordAsync(temp.Path, "s", ct: ct);
        SigstoreBundle bundle = await AuditSigner.SignAsync(temp.Path, "s", key, ct);
        string statement = JsonSerializer.Serialize(AuditSigner.CreateStatement(session), SigstoreJsonContext.Default.InTotoStatement);
        byte[] payload = System.Text.Encoding.UTF8.GetBytes(statement.Replace("\"session_id\":\"s\"", replacement, StringComparison.Ordinal));
        Assert.NotEqual(statement, System.Text.Encoding.UTF8.GetString(payload));
        DsseSignature signature = bundle.DsseEnvelope!.Signatures[0] with { Sig = key.Sign(DssePae.Encode(InTotoStatement.PayloadType, payload)) };
        bundle = bundle with { DsseEnvelope = bundle.DsseEnvelope with { Payload = payload, Signatures = [signature] } };
        File.WriteAllBytes(Path.Combine(temp.Path, "s", AuditFormat.AttestationFile), JsonSerializer.SerializeToUtf8Bytes(bundle, SigstoreJsonContext.Default.SigstoreBundle));

        AuditVerification result = await AuditVerifier.VerifyAsync(temp.Path, "s", new AuditVerifyOptions { PublicKeyPem = key.PublicKeyPem }, cancellationToken: ct);

        Assert.Equal([AuditPart.Signature], result.FailedParts.ToArray());
        string problem = Assert.Single(result.Checks.Single(c => c.Part == AuditPart.Signature).Problems);
        Assert.StartsWith("audit-attestation.bundle: statement does not parse: ", problem, StringComparison.Ordinal);
        Assert.Contains(property, problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', problem);
    }

    [Fact]
    public async Task SignAsync_TamperedSession_Refuses()
    {
        using TempDirectory temp = new();
        using SigningKey key = SigningKey.Generate();
        await AuditFixture.RecordAsync(temp.Path, "s", ct: TestContext.Current.CancellationToken);
        string events = Path.Combine(temp.Path, "s", AuditFormat.EventsFile);
        File.WriteAllText(events, File.ReadAllText(events).Replace("evil.example", "good.example", StringComparison.Ordinal));

        NonoException ex = await Assert.ThrowsAsync<NonoException>(() => AuditSigner.SignAsync(temp.Path, "s", key, TestContext.Current.CancellationToken));

        Assert.Equal(NonoErrorCode.VerificationFailed, ex.Code);
        Assert.False(File.Exists(Path.Combine(temp.Path, "s", AuditFormat.AttestationFile)));
    }
}
