using Nono.Action.Cli;
using Nono.Action.Tests.Profiles;

namespace Nono.Action.Tests.Cli;

/// <summary>The command tree is built only as far as the arguments need it; what the user sees stays the same.</summary>
public sealed class CommandCatalogTests
{
    [Fact]
    public void Version_BuildsNoCommand_AndPrintsTheVersion()
    {
        using CliFixture f = new();

        CliResult result = f.Run("--version");

        Assert.Empty(CommandCatalog.CreateFor(["--version"], Context(f)));
        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", result.Output.Trim());
        Assert.Equal("", result.Error);
    }

    [Fact]
    public void Version_PrintsNonosInformationalVersion()
    {
        using CliFixture f = new();

        CliResult result = f.Run("--version");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(NonoCli.Version + Environment.NewLine, result.Output);
        Assert.Matches(@"^\d+\.\d+\.\d+", NonoCli.Version);
    }

    [Fact]
    public void Help_ListsEveryCommand()
    {
        using CliFixture f = new();

        CliResult result = f.Run("--help");

        Assert.Equal(0, result.ExitCode);
        foreach (string command in new[] { "run", "wrap", "setup", "profile", "why", "rollback", "session", "audit", "trust", "sigstore", "action", "review" })
        {
            Assert.Matches($@"(?m)^\s+{command}\b", result.Output);
        }
    }

    [Fact]
    public void NamedCommand_BuildsOnlyThatCommand()
    {
        using CliFixture f = new();

        Assert.Equal(["wrap"], CommandCatalog.CreateFor(["wrap", "--", "/bin/true"], Context(f)).Select(c => c.Name));
        Assert.Equal(12, CommandCatalog.CreateFor(["--versio"], Context(f)).Count());
    }

    private static CliContext Context(CliFixture f) => new(TextWriter.Null, TextWriter.Null, f.Environment, f.Workdir);
}
