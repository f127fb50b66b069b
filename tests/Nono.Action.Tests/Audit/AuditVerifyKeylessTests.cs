using System.Text.Json;
using Nono.Core.Audit;
using Nono.Core.Trust.Sigstore;
using Nono.Testing;
using Nono.Testing.Sigstore;

namespace Nono.Action.Tests.Audit;

/// <summary>
/// <c>nono audit verify</c> on sessions signed keylessly against the local Fulcio/Rekor/OIDC stand-ins: the right
/// identity verifies; a wrong identity, a foreign CA, a foreign CT log or a foreign Rekor log in the trusted root
/// each fail naming the part (signature) and the stage.
/// </summary>
public sealed class AuditVerifyKeylessTests
{
    [Theory]
    [InlineData("ok", null)]
    [InlineData("identity", "signature (identity)")]
    [InlineData("ca", "signature (certificate_chain)")]
    [InlineData("ctlog", "signature (sct)")]
    [InlineData("rekor", "signature (rekor_entry)")]
    public async Task Verify_KeylessSession_ChecksChainSctRekorAndIdentity(string variant, string? failure)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using SigstoreStandIn sigstore = new();
        await using SigstoreStandIn other = new();
        using TempDirectory state = new();
        AuditCliHarness cli = new(state.Path);
        await cli.RecordAsync("s-keyless", ct, new Nono.Core.Audit.Events.RunnerIdentity { Repository = "acme/app", RunId = "42", RunAttempt = "1" });
        Assert.Equal(0, SignKeyless(cli, sigstore, state.Path, "s-keyless"));
        TrustedRoot root = variant switch
        {
            "ca" => sigstore.TrustedRoot() with { CertificateAuthorities = other.TrustedRoot().CertificateAuthorities },
            "ctlog" => sigstore.TrustedRoot() with { Ctlogs = other.TrustedRoot().Ctlogs },
            "rekor" => sigstore.TrustedRoot() with { Tlogs = other.TrustedRoot().Tlogs },
            _ => sigstore.TrustedRoot(),
        };
        File.WriteAllText(state.Combine("root.json"), JsonSerializer.Serialize(root, SigstoreJsonContext.Default.TrustedRoot));
        string identity = variant == "identity" ? "https://github.com/acme/app/.github/workflows/evil.yml@refs/heads/main" : sigstore.Identity;

        (int exit, string output, string error) = cli.Run("audit", "verify", "s-keyless", "--certificate-identity", identity,
            "--certificate-oidc-issuer", sigstore.OidcIssuer, "--trusted-root", state.Combine("root.json"));

        if (failure is null)
        {
            Assert.True(exit == 0, output + error);
            Assert.Contains("signature    passed", output, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(1, exit);
            Assert.Equal($"nono: audit verification failed: {failure}", error.Trim());
        }
    }

    /// <summary>
    /// A GitHub certificate names the run attempt that requested it (Fulcio 1.3.6.1.4.1.57264.1.21, .1.12): a session
    /// signed in run 41, or in attempt 2, that claims attempt 1 of run 42 fails, so a token minted in one run cannot
    /// vouch for a session claiming another. Fails closed: a GitHub certificate without the run extensions, a session
    /// claiming no run or no attempt are refused.
    /// </summary>
    [Theory]
    [InlineData("42", "1", "acme/app", "1", null)]
    [InlineData("41", "1", "acme/app", "1", "the certificate was issued to run https://github.com/acme/app/actions/runs/41/attempts/1, but the session claims run 42 attempt 1 of acme/app")]
    [InlineData("420", "1", "acme/app", "1", "the certificate was issued to run")]
    [InlineData("42", "1", "acme/other", "1", "the certificate was issued to repository https://github.com/acme/app, but the session claims https://github.com/acme/other")]
    [InlineData("42", "2", "acme/app", "1", "the certificate was issued to run https://github.com/acme/app/actions/runs/42/attempts/2, but the session claims run 42 attempt 1 of acme/app")]
    [InlineData("42", "1", "acme/app", null, "but the session claims run 42 attempt (none) of acme/app")]
    [InlineData("42", "1", null, null, "the certificate was issued to run https://github.com/acme/app/actions/runs/42/attempts/1, but the session claims no run")]
    [InlineData(null, "1", "acme/app", "1", "the certificate is issued by GitHub Actions but lacks the source repository (1.3.6.1.4.1.57264.1.12) or run invocation (1.3.6.1.4.1.57264.1.21) extension")]
    [InlineData(null, "1", null, null, "the certificate is issued by GitHub Actions but lacks the source repository")]
    public async Task Verify_KeylessCertificateRun_MustMatchTheSessionsRunAttempt(string? certificateRun, string certificateAttempt, string? claimedRepository, string? claimedAttempt, string? problem)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using SigstoreStandIn sigstore = new() { RunId = certificateRun, RunAttempt = certificateAttempt };
        using TempDirectory state = new();
        AuditCliHarness cli = new(state.Path);
        Nono.Core.Audit.Events.RunnerIdentity? runner = claimedRepository is null ? null : new() { Repository = claimedRepository, RunId = "42", RunAttempt = claimedAttempt };
        await cli.RecordAsync("s-run", ct, runner);
        Assert.Equal(0, SignKeyless(cli, sigstore, state.Path, "s-run"));
        File.WriteAllText(state.Combine("root.json"), sigstore.TrustedRootJson());

        (int exit, string output, string error) = cli.Run("audit", "verify", "s-run", "--certificate-identity", sigstore.Identity,
            "--certificate-oidc-issuer", sigstore.OidcIssuer, "--trusted-root", state.Combine("root.json"));

        if (problem is null)
        {
            Assert.True(exit == 0, output + error);
            Assert.Contains("session s-run: verified", output, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(1, exit);
            Assert.Equal("nono: audit verification failed: signature", error.Trim());
            Assert.Contains(problem, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Verify_KeylessSessionWithoutIdentity_IsUnverifiedNotPassed()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using SigstoreStandIn sigstore = new();
        using TempDirectory state = new();
        AuditCliHarness cli = new(state.Path);
        await cli.RecordAsync("s-keyless", ct);
        SignKeyless(cli, sigstore, state.Path, "s-keyless");
        File.WriteAllText(state.Combine("root.json"), sigstore.TrustedRootJson());

        (int exit, string output, _) = cli.Run("audit", "verify", "s-keyless");
        (int keyExit, _, string keyError) = cli.Run("audit", "verify", "s-keyless", "--certificate-identity", sigstore.Identity);

        Assert.Equal(0, exit);
        Assert.Contains("signature    unverified", output, StringComparison.Ordinal);
        Assert.Contains("--certificate-identity", output, StringComparison.Ordinal);
        Assert.Equal(1, keyExit);
        Assert.Contains("give both --certificate-identity and --certificate-oidc-issuer", keyError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_KeyedSessionAgainstAnIdentity_FailsTheSignature()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using SigstoreStandIn sigstore = new();
        using TempDirectory state = new();
        AuditCliHarness cli = new(state.Path);
        await cli.RecordAsync("s-keyed", ct);
        Assert.Equal(0, cli.Run("trust", "keygen", "--keyref", "file://" + state.Combine("k.key")).Exit);
        Assert.Equal(0, cli.Run("audit", "sign", "s-keyed", "--keyref", "file://" + state.Combine("k.key")).Exit);
        File.WriteAllText(state.Combine("root.json"), sigstore.TrustedRootJson());

        (int exit, string output, string error) = cli.Run("audit", "verify", "s-keyed", "--certificate-identity", sigstore.Identity,
            "--certificate-oidc-issuer", sigstore.OidcIssuer, "--trusted-root", state.Combine("root.json"));

        Assert.Equal(1, exit);
        Assert.Equal("nono: audit verification failed: signature", error.Trim());
        Assert.Contains("signed with a key, not keylessly", output, StringComparison.Ordinal);
    }

    /// <summary>Signs a recorded session keylessly against the stand-ins; returns nono's exit code.</summary>
    private static int SignKeyless(AuditCliHarness cli, SigstoreStandIn sigstore, string cwd, string session)
    {
        Dictionary<string, string> env = new(cli.Environment);
        foreach ((string key, string value) in sigstore.SigningEnvironment())
        {
            env[key] = value;
        }

        StringWriter output = new();
        StringWriter error = new();
        return Nono.Action.Cli.NonoCli.Run(["audit", "sign", session, "--keyless"], new Nono.Action.Cli.CliContext(output, error, env, cwd));
    }
}
