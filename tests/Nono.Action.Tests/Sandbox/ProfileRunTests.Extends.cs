using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

public sealed class ProfileExtendsTests
{
    [Fact]
    public async Task Run_ExtendsRepeated_LayersProfilesInOrder()
    {
        using NonoSandbox sb = new(TestUser.Current);
        sb.Environment.Remove("NONO_PROFILE");
        sb.StartInProjectDirectory();

        ProcessResult result = await sb.RunAsync("run", "--dry-run", "-p", "default", "--extends", "python-dev", "--extends", "node-dev", "--", "/bin/true");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("chain: default -> python-dev -> node-dev", result.StandardOutput);
    }

    [Fact]
    public async Task Run_ExtendsUnknownProfile_OneLineErrorExit1()
    {
        using NonoSandbox sb = new(TestUser.Current);

        ProcessResult result = await sb.RunAsync("run", "--extends", "no-such-profile", "--", "/bin/true");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("unknown profile 'no-such-profile'", Assert.Single(result.StandardError.Trim().Split('\n')));
    }
}
