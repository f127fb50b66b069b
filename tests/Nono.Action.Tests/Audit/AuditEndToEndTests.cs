using Nono.Core.Audit;
using Nono.Testing;

namespace Nono.Action.Tests.Audit;

/// <summary>The real nono binary, as root and as the unprivileged user: keygen, sign, verify.</summary>
public sealed class AuditEndToEndTests
{
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task KeygenSignVerify_RealBinary_VerifiesWithPinnedKeyAndRejectsOtherKey(TestUser user)
    {
        Assert.SkipWhen(user == TestUser.Nobody && !ProcessRunner.IsRoot, "switching to uid 65534 needs root");
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TempDirectory temp = new();
        AuditCliHarness cli = new(temp.Path);
        await cli.RecordAsync("e2e", ct);
        if (user == TestUser.Nobody)
        {
            File.SetUnixFileMode(temp.Path, (UnixFileMode)0b111_101_101);
            ProcessResult chown = await ProcessRunner.RunAsync("chown", ["-R", "65534:65534", temp.Path], cancellationToken: ct);
            Assert.Equal(0, chown.ExitCode);
        }

        Dictionary<string, string> env = new(cli.Environment) { ["PATH"] = "/usr/bin:/bin" };
        Task<ProcessResult> Nono(params string[] args) =>
            ProcessRunner.RunAsync(NonoExecutable.Path, args, user, env, temp.Path, timeout: TimeSpan.FromMinutes(2), cancellationToken: ct);

        ProcessResult keygen = await Nono("trust", "keygen", "--keyref", "file://signing.key");
        ProcessResult other = await Nono("trust", "keygen", "--keyref", "file://other.key");
        ProcessResult sign = await Nono("audit", "sign", "e2e", "--keyref", "file://signing.key");
        ProcessResult verify = await Nono("audit", "verify", "e2e", "--public-key-file", "signing.key.pub");
        ProcessResult wrongKey = await Nono("audit", "verify", "e2e", "--public-key-file", "other.key.pub");

        Assert.True(keygen.ExitCode == 0, keygen.ToString());
        Assert.Equal(0, other.ExitCode);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(temp.Path, "signing.key")));
        Assert.True(sign.ExitCode == 0, sign.ToString());
        Assert.True(File.Exists(Path.Combine(cli.AuditRoot, "e2e", AuditFormat.AttestationFile)));
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("signature    passed", verify.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(1, wrongKey.ExitCode);
        Assert.Equal("nono: audit verification failed: signature", wrongKey.StandardError.Trim());
    }
}
