using System.Text.Json;
using Nono.Action.Cli;
using Nono.Testing;

namespace Nono.Action.Tests.Profiles;

public sealed class WhyCommandTests
{
    [Fact]
    public void Why_CredentialPath_DeniedNamingTheGroup()
    {
        using CliFixture f = new();

        CliResult result = f.Run("why", "--path", "~/.aws/credentials", "--op", "read");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith($"DENIED read {Path.Combine(f.Home, ".aws", "credentials")}", result.Output, StringComparison.Ordinal);
        Assert.Contains("group:deny_credentials", result.Output, StringComparison.Ordinal);
    }

    /// <summary>/dev/shm (granted by the built-in temp group) is the host's outside pidns: <c>nono why</c> says so.</summary>
    [Fact]
    public void Why_DevShm_SaysItIsSharedWithTheHost()
    {
        using CliFixture f = new();

        CliResult shm = f.Run("why", "--path", "/dev/shm/x", "--op", "write", "--allow", "/dev/shm");
        CliResult other = f.Run("why", "--path", "src/a.cs", "--op", "write");

        Assert.StartsWith("ALLOWED write /dev/shm/x", shm.Output, StringComparison.Ordinal);
        Assert.Contains("/dev/shm is the host's except in the pidns containment", shm.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("/dev/shm", other.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Why_Json_WorkdirAllowedAndExtraGrantNamed()
    {
        using CliFixture f = new();
        string extra = Directory.CreateDirectory(Path.Combine(f.Root, "data")).FullName;

        CliResult workdir = f.Run("why", "--path", "src/a.cs", "--op", "readwrite", "--json");
        CliResult viaFlag = f.Run("why", "--path", Path.Combine(extra, "x"), "--op", "read", "-r", extra, "--json");
        CliResult withoutFlag = f.Run("why", "--path", Path.Combine(extra, "x"), "--op", "read", "--json");

        using JsonDocument w = JsonDocument.Parse(workdir.Output);
        Assert.True(w.RootElement.GetProperty("allowed").GetBoolean());
        Assert.Equal("workdir", w.RootElement.GetProperty("source").GetString());
        Assert.Equal("readwrite", w.RootElement.GetProperty("operation").GetString());
        Assert.Equal("grant", w.RootElement.GetProperty("rule").GetString());
        using JsonDocument v = JsonDocument.Parse(viaFlag.Output);
        Assert.True(v.RootElement.GetProperty("allowed").GetBoolean());
        Assert.Equal("--read", v.RootElement.GetProperty("source").GetString());
        using JsonDocument n = JsonDocument.Parse(withoutFlag.Output);
        Assert.False(n.RootElement.GetProperty("allowed").GetBoolean());
        Assert.Equal("none", n.RootElement.GetProperty("rule").GetString());
    }

    [Fact]
    public void Why_UserProfileByName_IsUsed()
    {
        using CliFixture f = new();
        f.Write("home/.config/nono/profiles/locked.json", """{ "workdir": { "access": "read" } }""");

        CliResult result = f.Run("why", "-p", "locked", "--path", "file.txt", "--op", "write");

        Assert.StartsWith("DENIED write", result.Output, StringComparison.Ordinal);
        Assert.Contains("profile: locked", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("why")]
    [InlineData("why", "--path", "/x", "--op", "execute")]
    public void Why_UsageErrors_Exit2(params string[] args)
    {
        using CliFixture f = new();

        CliResult result = f.Run(args);

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
    }

    [Fact]
    public void Why_InvalidProfile_OneLineErrorExit1()
    {
        using CliFixture f = new();
        string bad = f.Write("bad.json", """{ "filesystem": { "allow": ["$NOPE"] } }""");

        CliResult result = f.Run("why", "-p", bad, "--path", "/usr");

        Assert.Equal(ExitCodes.NonoError, result.ExitCode);
        string line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"nono: invalid profile: {bad}: $.filesystem.allow[0]: '$NOPE': unknown variable $NOPE", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Why_RealProcess_AsRootAndAsUnprivilegedUser(TestUser user)
    {
        Assert.SkipWhen(user == TestUser.Nobody && !ProcessRunner.IsRoot, "switching to uid 65534 needs root");
        using TempDirectory home = new("nono-why-home-");
        File.SetUnixFileMode(home.Path, (UnixFileMode)0b111_111_111);
        Dictionary<string, string> env = new() { ["HOME"] = home.Path, ["PATH"] = "/usr/bin:/bin", ["TMPDIR"] = home.Path };
        string project = Directory.CreateDirectory(home.Combine("project")).FullName; // the default profile refuses a workdir of $HOME
        File.SetUnixFileMode(project, (UnixFileMode)0b111_111_111);

        ProcessResult result = await ProcessRunner.RunAsync(NonoExecutable.Path, ["why", "--path", "~/.ssh/id_rsa", "--json"], user, env, project, cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == 0, result.StandardError);
        using JsonDocument doc = JsonDocument.Parse(result.StandardOutput);
        Assert.False(doc.RootElement.GetProperty("allowed").GetBoolean());
        Assert.Equal("group:deny_credentials", doc.RootElement.GetProperty("source").GetString());
    }

    [Fact]
    public async Task Why_UnprivilegedUserWithUnsearchableHome_StillResolvesAndDenies()
    {
        Assert.SkipUnless(ProcessRunner.IsRoot, "switching to uid 65534 needs root");
        using TempDirectory root = new("nono-why-locked-");
        File.SetUnixFileMode(root.Path, (UnixFileMode)0b111_101_101);
        string home = Directory.CreateDirectory(root.Combine("home")).FullName;
        File.SetUnixFileMode(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string work = Directory.CreateDirectory(root.Combine("work")).FullName;
        File.SetUnixFileMode(work, (UnixFileMode)0b111_111_111);
        Dictionary<string, string> env = new() { ["HOME"] = home, ["PATH"] = "/usr/bin:/bin", ["TMPDIR"] = work };

        ProcessResult denied = await ProcessRunner.RunAsync(NonoExecutable.Path, ["why", "--path", "~/.ssh/id_rsa", "--json"], TestUser.Nobody, env, work, cancellationToken: TestContext.Current.CancellationToken);
        ProcessResult allowed = await ProcessRunner.RunAsync(NonoExecutable.Path, ["why", "--path", "file.txt", "--op", "write", "--json"], TestUser.Nobody, env, work, cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(denied.ExitCode == 0, denied.ToString());
        using JsonDocument d = JsonDocument.Parse(denied.StandardOutput);
        Assert.False(d.RootElement.GetProperty("allowed").GetBoolean());
        Assert.Equal(Path.Combine(home, ".ssh"), d.RootElement.GetProperty("rule_path").GetString());
        Assert.True(allowed.ExitCode == 0, allowed.ToString());
        using JsonDocument a = JsonDocument.Parse(allowed.StandardOutput);
        Assert.True(a.RootElement.GetProperty("allowed").GetBoolean());
    }
}
