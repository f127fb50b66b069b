using Nono.Action.Cli;
using Nono.Action.Tests.Profiles;

namespace Nono.Action.Tests.Cli;

/// <summary>A bad value for an option that takes one of a fixed set is one <c>nono: ...</c> line and exit 2.</summary>
public sealed class EnumOptionErrorTests
{
    [Theory]
    [InlineData("--fs-observer", "sometimes", "run", "--fs-observer", "sometimes", "--", "/bin/true")]
    [InlineData("--op", "execute", "why", "--path", "/x", "--op", "execute")]
    [InlineData("--enforcement", "maybe", "trust", "init", "--enforcement", "maybe")]
    public void BadEnumValue_OneLineNamingTheValue_Exit2(string option, string value, params string[] args)
    {
        using CliFixture f = new();

        CliResult result = f.Run(args);

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        string[] lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string line = Assert.Single(lines);
        Assert.StartsWith("nono: ", line, StringComparison.Ordinal);
        Assert.Contains(value, line, StringComparison.Ordinal);
        Assert.DoesNotContain('\t', line);
        Assert.Contains(option, line, StringComparison.Ordinal);
        Assert.Empty(result.Output);
    }

    [Fact]
    public void GoodEnumValue_Parses()
    {
        using CliFixture f = new();

        CliResult result = f.Run("why", "--path", "/usr/bin/env", "--op", "read");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Error);
    }
}
