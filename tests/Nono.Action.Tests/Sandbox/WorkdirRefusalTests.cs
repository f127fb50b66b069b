using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

/// <summary>A working directory of <c>/</c>, <c>$HOME</c> or a parent of it is not granted by the workdir access.</summary>
public sealed class WorkdirRefusalTests
{
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_DefaultProfileInHome_RefusedWithOneLine(TestUser user)
    {
        using NonoSandbox sb = ProfileRunTests.InHome(user);

        ProcessResult result = await sb.RunAsync("run", "-s", "--", "/bin/true");

        Assert.Equal(1, result.ExitCode);
        string line = Assert.Single(result.StandardError.Trim().Split('\n'));
        Assert.Contains($"refusing to grant the working directory {sb.Home.Path}", line);
    }

    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_DefaultProfileInHomeWithExplicitRead_ReadsButCannotWrite(TestUser user)
    {
        using NonoSandbox sb = ProfileRunTests.InHome(user);
        File.WriteAllText(sb.Home.Combine("notes.txt"), "notes-ok");
        ProfileRunTests.Chown(sb, user);

        ProcessResult result = await sb.RunAsync("run", "-s", "--read", sb.Home.Path, "--", "/bin/sh", "-c",
            "cat notes.txt; echo; echo x > planted.txt && echo WROTE || echo WRITE-REFUSED");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("notes-ok", result.StandardOutput);
        Assert.Contains("WRITE-REFUSED", result.StandardOutput);
        Assert.False(File.Exists(sb.Home.Combine("planted.txt")));
    }

    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_DefaultProfileInProjectUnderHome_WritesTheProject(TestUser user)
    {
        using NonoSandbox sb = ProfileRunTests.InHome(user);
        string project = sb.StartInProjectDirectory();

        ProcessResult result = await sb.RunAsync("run", "-s", "--", "/bin/sh", "-c", "echo built > out.txt && echo WROTE");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("built\n", File.ReadAllText(Path.Combine(project, "out.txt")));
    }
}
