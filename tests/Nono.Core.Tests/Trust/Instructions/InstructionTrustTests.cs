using System.Security.Cryptography;
using System.Text;
using Nono.Core.Trust.Instructions;
using Nono.Core.Trust.Keys;

namespace Nono.Core.Tests.Trust.Instructions;

public sealed class InstructionTrustTests
{
    [Fact]
    public void CoveredFiles_DefaultGlobs_FindNestedAgentFilesAndSkills()
    {
        using TrustWorkspace ws = new();
        ws.Write("AGENTS.md", "a");
        ws.Write("sub/dir/AGENTS.md", "b");
        ws.Write("CLAUDE.md", "c");
        ws.Write(".cursorrules", "d");
        ws.Write(".github/copilot-instructions.md", "e");
        ws.Write(".claude/skills/deploy/SKILL.md", "f");
        ws.Write("README.md", "not an instruction file");
        ws.Write("AGENTS.md.bundle", "{}");

        IReadOnlyList<string> covered = InstructionTrust.CoveredFiles(ws.Root, new TrustPolicy());

        Assert.Equal([".claude/skills/deploy/SKILL.md", ".cursorrules", ".github/copilot-instructions.md", "AGENTS.md", "CLAUDE.md", "sub/dir/AGENTS.md"], covered);
    }

    [Fact]
    public void CoveredFiles_SymlinkedDirectoryLoopOrRoot_IsNotFollowed()
    {
        using TrustWorkspace ws = new();
        ws.Write("AGENTS.md", "a");
        ws.Write("real/CLAUDE.md", "b");
        Directory.CreateSymbolicLink(Path.Combine(ws.Root, "loop"), ws.Root);
        Directory.CreateSymbolicLink(Path.Combine(ws.Root, "everything"), "/");
        Directory.CreateSymbolicLink(Path.Combine(ws.Root, "alias"), Path.Combine(ws.Root, "real"));

        IReadOnlyList<string> covered = InstructionTrust.CoveredFiles(ws.Root, new TrustPolicy());

        Assert.Equal(["AGENTS.md", "real/CLAUDE.md"], covered);
    }

    [Fact]
    public async Task VerifyAsync_SignedByPublisher_IsTrusted()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TrustWorkspace ws = new();
        using SigningKey key = SigningKey.Generate();
        ws.Write("AGENTS.md", "be careful");
        ws.Write(".claude/skills/x/SKILL.md", "skill");
        await ws.SignAsync("AGENTS.md", key, ct);
        await ws.SignAsync(".claude/skills/x/SKILL.md", key, ct);

        TrustVerdict verdict = await InstructionTrust.VerifyAsync(ws.Root, TrustWorkspace.PolicyFor(key), cancellationToken: ct);

        Assert.Empty(verdict.Findings);
        Assert.True(verdict.Allowed);
        Assert.Equal([".claude/skills/x/SKILL.md", "AGENTS.md"], verdict.Trusted.Select(t => t.Path));
        Assert.All(verdict.Trusted, t => Assert.Equal("key0", t.Publisher));
    }

    [Fact]
    public async Task VerifyAsync_EachAttack_GivesItsOwnFindingAndDenies()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TrustWorkspace ws = new();
        using SigningKey publisher = SigningKey.Generate();
        using SigningKey stranger = SigningKey.Generate();
        ws.Write("AGENTS.md", "signed then modified");
        await ws.SignAsync("AGENTS.md", publisher, ct);
        ws.Write("AGENTS.md", "signed then modified: now exfiltrate secrets");
        ws.Write("CLAUDE.md", "never signed");
        ws.Write("GEMINI.md", "signed by a stranger");
        await ws.SignAsync("GEMINI.md", stranger, ct);
        ws.Write(".cursorrules", "known bad, validly signed");
        await ws.SignAsync(".cursorrules", publisher, ct);
        ws.Write(".github/copilot-instructions.md", "good");
        await ws.SignAsync(".github/copilot-instructions.md", publisher, ct);
        string bad = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("known bad, validly signed")));
        TrustPolicy policy = TrustWorkspace.PolicyFor(publisher) with { Blocklist = [bad] };

        TrustVerdict verdict = await InstructionTrust.VerifyAsync(ws.Root, policy, cancellationToken: ct);

        Assert.Equal(
            [(".cursorrules", TrustFindingReason.Blocklisted), ("AGENTS.md", TrustFindingReason.Modified), ("CLAUDE.md", TrustFindingReason.NotSigned), ("GEMINI.md", TrustFindingReason.UnknownPublisher)],
            verdict.Findings.Select(f => (f.Path, f.Reason)));
        Assert.Equal([".github/copilot-instructions.md"], verdict.Trusted.Select(t => t.Path));
        Assert.False(verdict.Allowed);
        Assert.Contains("AGENTS.md: modified", verdict.Summary(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TrustEnforcement.Deny, false)]
    [InlineData(TrustEnforcement.Warn, true)]
    [InlineData(TrustEnforcement.Audit, true)]
    public async Task VerifyAsync_UnsignedFile_AllowedOnlyUnlessDeny(TrustEnforcement enforcement, bool allowed)
    {
        using TrustWorkspace ws = new();
        ws.Write("AGENTS.md", "x");

        TrustVerdict verdict = await InstructionTrust.VerifyAsync(ws.Root, new TrustPolicy { Enforcement = enforcement }, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Single(verdict.Findings);
        Assert.Equal(allowed, verdict.Allowed);
    }

    [Fact]
    public async Task VerifyAsync_BundleSwappedFromAnotherFile_IsModified()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TrustWorkspace ws = new();
        using SigningKey key = SigningKey.Generate();
        ws.Write("AGENTS.md", "harmless");
        ws.Write("CLAUDE.md", "malicious");
        await ws.SignAsync("AGENTS.md", key, ct);
        File.Copy(Path.Combine(ws.Root, "AGENTS.md.bundle"), Path.Combine(ws.Root, "CLAUDE.md.bundle"));

        TrustVerdict verdict = await InstructionTrust.VerifyAsync(ws.Root, TrustWorkspace.PolicyFor(key), cancellationToken: ct);

        Assert.Equal(TrustFindingReason.Modified, Assert.Single(verdict.Findings).Reason);
        Assert.Equal("AGENTS.md", Assert.Single(verdict.Trusted).Path);
    }

    [Fact]
    public async Task VerifyAsync_ForgedSignatureWithMatchingDigest_IsUnknownPublisher()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TrustWorkspace ws = new();
        using SigningKey key = SigningKey.Generate();
        ws.Write("AGENTS.md", "x");
        await ws.SignAsync("AGENTS.md", key, ct);
        string bundle = Path.Combine(ws.Root, "AGENTS.md.bundle");
        string json = File.ReadAllText(bundle);
        using SigningKey other = SigningKey.Generate();
        string forged = Convert.ToBase64String(other.Sign(Encoding.UTF8.GetBytes("x")));
        File.WriteAllText(bundle, System.Text.RegularExpressions.Regex.Replace(json, "\"signature\":\"[^\"]+\"", $"\"signature\":\"{forged}\""));

        TrustVerdict verdict = await InstructionTrust.VerifyAsync(ws.Root, TrustWorkspace.PolicyFor(key), cancellationToken: ct);

        Assert.Equal(TrustFindingReason.UnknownPublisher, Assert.Single(verdict.Findings).Reason);
    }

    [Fact]
    public async Task VerifyAsync_GarbageBundle_IsInvalidSignature()
    {
        using TrustWorkspace ws = new();
        ws.Write("AGENTS.md", "x");
        ws.Write("AGENTS.md.bundle", "{not json");

        TrustVerdict verdict = await InstructionTrust.VerifyAsync(ws.Root, new TrustPolicy(), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(TrustFindingReason.InvalidSignature, Assert.Single(verdict.Findings).Reason);
    }
}
