using Nono.Action.Cli;
using Nono.Action.Tests.Audit;
using Nono.Core.Audit;
using Nono.Testing;
using Nono.Testing.Sigstore;

namespace Nono.Action.Tests.Trust;

/// <summary>
/// <c>nono trust sign --keyless</c> and <c>nono audit sign --keyless</c> against the local Fulcio, Rekor and
/// OIDC stand-ins; the bundles are checked by <c>nono trust verify</c> and <c>nono sigstore verify-bundle</c>.
/// </summary>
public sealed class TrustKeylessCommandTests
{
    private const UnixFileMode Open = (UnixFileMode)0b111_111_111;

    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task TrustSignKeyless_ThenVerify_TrustedForTheCiIdentityOnly(TestUser user)
    {
        Assert.SkipWhen(user == TestUser.Nobody && !ProcessRunner.IsRoot, "switching to uid 65534 needs root");
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using SigstoreStandIn sigstore = new();
        using TempDirectory temp = new();
        File.SetUnixFileMode(temp.Path, Open);
        string ws = Directory.CreateDirectory(temp.Combine("ws")).FullName;
        File.SetUnixFileMode(ws, Open);
        File.WriteAllText(Path.Combine(ws, "AGENTS.md"), "Use the staging database only.\n");
        File.SetUnixFileMode(Path.Combine(ws, "AGENTS.md"), Open);
        File.WriteAllText(temp.Combine("root.json"), sigstore.TrustedRootJson());
        File.WriteAllText(temp.Combine("policy.json"), $$"""
            { "publishers": [ { "name": "ci", "issuer": "{{sigstore.OidcIssuer}}", "repository": "acme/app", "workflow": ".github/workflows/sign.yml", "ref": "refs/heads/main" } ] }
            """);
        File.WriteAllText(temp.Combine("other-policy.json"), $$"""
            { "publishers": [ { "name": "release", "issuer": "{{sigstore.OidcIssuer}}", "repository": "acme/app", "workflow": ".github/workflows/release.yml", "ref": "refs/tags/*" } ] }
            """);
        Dictionary<string, string> signEnv = new(sigstore.SigningEnvironment()) { ["PATH"] = "/usr/bin:/bin", ["HOME"] = temp.Path };
        Dictionary<string, string> verifyEnv = new() { ["PATH"] = "/usr/bin:/bin", ["HOME"] = temp.Path, ["NONO_TRUST_POLICY"] = temp.Combine("policy.json") };
        Dictionary<string, string> otherEnv = new(verifyEnv) { ["NONO_TRUST_POLICY"] = temp.Combine("other-policy.json") };
        Task<ProcessResult> Nono(Dictionary<string, string> env, params string[] args) =>
            ProcessRunner.RunAsync(NonoExecutable.Path, args, user, env, ws, cancellationToken: ct);

        ProcessResult sign = await Nono(signEnv, "trust", "sign", "--keyless", "AGENTS.md");
        ProcessResult verify = await Nono(verifyEnv, "trust", "verify", "--trusted-root", temp.Combine("root.json"));
        ProcessResult otherPublisher = await Nono(otherEnv, "trust", "verify", "--trusted-root", temp.Combine("root.json"));
        ProcessResult bundle = await Nono(verifyEnv, "sigstore", "verify-bundle", "--bundle", "AGENTS.md.bundle", "--certificate-identity", sigstore.Identity,
            "--certificate-oidc-issuer", sigstore.OidcIssuer, "--trusted-root", temp.Combine("root.json"), "AGENTS.md");
        ProcessResult noToken = await Nono(verifyEnv, "trust", "sign", "--keyless", "AGENTS.md");

        Assert.True(sign.ExitCode == 0, sign.ToString());
        Assert.Contains("signed AGENTS.md -> AGENTS.md.bundle (keyless", sign.StandardOutput, StringComparison.Ordinal);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("ok    AGENTS.md (publisher ci)", verify.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(1, otherPublisher.ExitCode);
        Assert.Contains("AGENTS.md: unknown publisher", otherPublisher.StandardError, StringComparison.Ordinal);
        Assert.True(bundle.ExitCode == 0, bundle.ToString());
        Assert.Equal(1, noToken.ExitCode);
        Assert.Contains("needs an OIDC token", noToken.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditSignKeyless_AttestationVerifiesWithTheCiIdentity()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using SigstoreStandIn sigstore = new();
        using TempDirectory state = new();
        AuditCliHarness cli = new(state.Path);
        SessionMetadata session = await cli.RecordAsync("s1", ct);
        File.WriteAllText(state.Combine("root.json"), sigstore.TrustedRootJson());
        Dictionary<string, string> env = new(cli.Environment);
        foreach ((string key, string value) in sigstore.SigningEnvironment())
        {
            env[key] = value;
        }

        (int signExit, string signOut, string signErr) = Run(env, state.Path, "audit", "sign", "s1", "--keyless");
        string attestation = Path.Combine(cli.AuditRoot, "s1", AuditFormat.AttestationFile);
        string[] verify = ["sigstore", "verify-bundle", "--bundle", attestation, "--certificate-oidc-issuer", sigstore.OidcIssuer, "--trusted-root", state.Combine("root.json"), "sha256:" + session.Integrity!.MerkleRoot];
        (int okExit, string okOut, _) = Run(env, state.Path, [.. verify, "--certificate-identity", sigstore.Identity]);
        (int wrongExit, _, string wrongErr) = Run(env, state.Path, [.. verify, "--certificate-identity", "https://github.com/acme/app/.github/workflows/evil.yml@refs/heads/main"]);
        (int bothExit, _, string bothErr) = Run(env, state.Path, "audit", "sign", "s1", "--keyless", "--keyref", "env://K");

        Assert.True(signExit == 0, signOut + signErr);
        Assert.Equal(1, sigstore.Log.Count);
        Assert.True(okExit == 0, okOut);
        Assert.Equal(1, wrongExit);
        Assert.Contains("certificate identity", wrongErr, StringComparison.Ordinal);
        Assert.Equal(1, bothExit);
        Assert.Contains("exactly one of", bothErr, StringComparison.Ordinal);
    }

    private static (int Exit, string Out, string Err) Run(Dictionary<string, string> env, string cwd, params string[] args)
    {
        StringWriter output = new();
        StringWriter error = new();
        int exit = NonoCli.Run(args, new CliContext(output, error, env, cwd));
        return (exit, output.ToString(), error.ToString());
    }
}
