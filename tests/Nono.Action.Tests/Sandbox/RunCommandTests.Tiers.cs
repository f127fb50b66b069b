using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

public sealed partial class RunCommandTests
{
    [Theory]
    [InlineData(TestUser.Current, 3, "LandlockV1Filesystem")]
    [InlineData(TestUser.Current, 4, "LandlockV4Network")]
    [InlineData(TestUser.Current, 5, "LandlockV4Network")]
    [InlineData(TestUser.Current, 6, "LandlockV6Scoped")]
    [InlineData(TestUser.Nobody, 3, "LandlockV1Filesystem")]
    [InlineData(TestUser.Nobody, 7, "LandlockV6Scoped")]
    public async Task Run_AbiCapped_ReportsTierAndEnforcesFilesystem(TestUser user, int abi, string tier)
    {
        using NonoSandbox sb = new(user);
        string secret = Guid.NewGuid().ToString("N");
        await File.WriteAllTextAsync(sb.Outside.Combine("s"), secret, TestContext.Current.CancellationToken);
        string[] options = ["--landlock-abi", abi.ToString(), "--allow-weaker", "unscoped-signals", "-v"];

        ProcessResult result = await sb.SandboxedAsync("run", options, "/bin/sh", "-c", $"cat {sb.Outside.Combine("s")} || echo denied");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"tier: {tier} (landlock ABI {abi})", result.StandardError);
        Assert.Contains("denied", result.StandardOutput);
        Assert.DoesNotContain(secret, result.StandardOutput);
        Assert.Equal(abi < 6, result.StandardError.Contains("weaker mode in force: unscoped-signals"));
    }

    [Fact]
    public async Task Run_UnenforceableWithoutOptIn_RefusedWithEveryProblem()
    {
        using NonoSandbox sb = new(TestUser.Current);

        ProcessResult result = await sb.SandboxedAsync("run", ["--landlock-abi", "2"], "/bin/true");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--allow-weaker unrestricted-truncate", result.StandardError);
        Assert.Contains("--allow-weaker unscoped-signals", result.StandardError);
    }

    [Fact]
    public async Task Run_UnknownWeakerMode_IsAnError()
    {
        using NonoSandbox sb = new(TestUser.Current);

        ProcessResult result = await sb.SandboxedAsync("run", ["--allow-weaker", "everything"], "/bin/true");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("unknown weaker mode 'everything'", result.StandardError);
    }
}
