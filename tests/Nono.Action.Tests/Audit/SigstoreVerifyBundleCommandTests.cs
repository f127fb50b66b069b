using Nono.Testing;

namespace Nono.Action.Tests.Audit;

/// <summary>The conformance command shape, through the real binary.</summary>
public sealed class SigstoreVerifyBundleCommandTests
{
    private static readonly string s_shared = Path.GetFullPath(Path.Combine(NonoExecutable.RepositoryRoot, "..", "shared", "sigstore"));

    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task VerifyBundle_ManagedKeyCases_ExitZeroForGoodKeyNonZeroWithOneLineForWrong(TestUser user)
    {
        Assert.SkipUnless(Directory.Exists(s_shared), $"Sigstore conformance material not found at {s_shared}");
        Assert.SkipWhen(user == TestUser.Nobody && !ProcessRunner.IsRoot, "switching to uid 65534 needs root");
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TempDirectory temp = new();
        File.SetUnixFileMode(temp.Path, (UnixFileMode)0b111_101_101);
        foreach (string name in new[] { "managed-key-happy-path", "managed-key-wrong-key_fail" })
        {
            // Copy into a world-readable folder so the unprivileged user reads the same files.
            string dir = Directory.CreateDirectory(Path.Combine(temp.Path, name)).FullName;
            foreach (string file in Directory.EnumerateFiles(Path.Combine(s_shared, "bundle-verify", name)))
            {
                File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
            }

            File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
        }

        File.Copy(Path.Combine(s_shared, "bundle-verify", "a.txt"), Path.Combine(temp.Path, "a.txt"));
        File.Copy(Path.Combine(s_shared, "public-good-trusted-root.json"), Path.Combine(temp.Path, "root.json"));
        foreach (string file in Directory.EnumerateFiles(temp.Path, "*", SearchOption.AllDirectories))
        {
            File.SetUnixFileMode(file, (UnixFileMode)0b110_100_100);
        }

        Task<ProcessResult> Verify(string name) => ProcessRunner.RunAsync(
            NonoExecutable.Path,
            ["sigstore", "verify-bundle", "--bundle", $"{name}/bundle.sigstore.json", "--key", $"{name}/key.pub", "--trusted-root", "root.json", "a.txt"],
            user, new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin", ["HOME"] = temp.Path }, temp.Path, cancellationToken: ct);

        ProcessResult good = await Verify("managed-key-happy-path");
        ProcessResult bad = await Verify("managed-key-wrong-key_fail");

        Assert.True(good.ExitCode == 0, good.ToString());
        Assert.Equal(1, bad.ExitCode);
        Assert.Single(bad.StandardError.Trim().Split('\n'));
        Assert.StartsWith("nono: bundle verification failed:", bad.StandardError, StringComparison.Ordinal);
    }
}
