using Nono.Action.Cli;
using Nono.Testing;

namespace Nono.Action.Tests.Cli;

/// <summary>
/// What the real executable prints for help, version and usage errors: the root's help and version options reach every
/// way the parser accepts them (aliases, bundles, inline values, response files), and usage errors are one line and exit 2.
/// </summary>
public sealed class CliRootTests : IDisposable
{
    private const string HelpLine = "-?, -h, --help";
    private readonly TempDirectory _home = new("nono-cli-root-");

    [Fact]
    public async Task Help_ShowsTheRootUsageAndItsOptions()
    {
        ProcessResult result = await NonoAsync("--help");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("Description:\n  nono: kernel-enforced sandbox for AI agents and CI jobs\n\nUsage:\n  nono [command] [options]\n", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"\n  {HelpLine}  Show help and usage information\n", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("\n  --version       Show version information\n", result.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^  wrap <command>\s+Replace nono with the sandboxed command", result.StandardOutput);
        Assert.Equal("", result.StandardError);
    }

    [Theory]
    [InlineData("wrap", "--help")]
    [InlineData("wrap", "-h", "--", "/bin/true")]
    [InlineData("wrap", "-s?", "--", "/bin/true")]
    [InlineData("wrap", "--help=1", "--", "/bin/true")]
    [InlineData("wrap", "/?", "--", "/bin/true")]
    public async Task WrapHelp_EveryFormShowsTheCommandsHelp_AndRunsNothing(params string[] args)
    {
        ProcessResult result = await NonoAsync(args);

        AssertCommandHelp(result, "Replace nono with the sandboxed command (no supervisor process)", "nono wrap <command>... [options]");
    }

    [Fact]
    public async Task RunHelp_InABundleOfShortOptions_ShowsTheCommandsHelp()
    {
        ProcessResult result = await NonoAsync("run", "-sh", "--", "/bin/true");

        AssertCommandHelp(result, "Run a command in the sandbox, supervised (signals forwarded, exit code passed through)", "nono run <command>... [options]");
    }

    [Fact]
    public async Task HelpInAResponseFile_ShowsTheCommandsHelp()
    {
        string file = _home.Combine("args.rsp");
        File.WriteAllText(file, "--help\n");

        ProcessResult result = await NonoAsync("wrap", "@" + file, "--", "/bin/true");

        AssertCommandHelp(result, "Replace nono with the sandboxed command (no supervisor process)", "nono wrap <command>... [options]");
    }

    [Fact]
    public async Task Version_PrintsTheInformationalVersionOnly()
    {
        ProcessResult result = await NonoAsync("--version");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(NonoCli.Version + "\n", result.StandardOutput);
        Assert.Equal("", result.StandardError);
    }

    [Theory]
    [InlineData("nono: Required argument 'command' missing for command: 'run'.\n", "run")]
    [InlineData("nono: Required argument 'command' missing for command: 'wrap'.\n", "wrap", "-s")]
    [InlineData("nono: Cannot parse argument 'x' for option '--landlock-abi' as expected type 'System.Nullable`1[System.Int32]'.\n", "wrap", "--landlock-abi", "x", "--", "/bin/true")]
    [InlineData("nono: Required command was not provided.\nnono: Unrecognized command or argument 'bogus'.\n", "bogus")]
    public async Task UsageError_OneLinePerProblem_Exit2(string expectedError, params string[] args)
    {
        ProcessResult result = await NonoAsync(args);

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Equal(expectedError, result.StandardError);
        Assert.Equal("", result.StandardOutput);
    }

    [Fact]
    public async Task MissingResponseFile_OneLine_Exit2()
    {
        string missing = _home.Combine("missing.rsp");

        ProcessResult result = await NonoAsync("wrap", "@" + missing, "--", "/bin/true");

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Equal($"nono: Response file not found '{missing}'.\n", result.StandardError);
        Assert.Equal("", result.StandardOutput);
    }

    public void Dispose() => _home.Dispose();

    private static void AssertCommandHelp(ProcessResult result, string description, string usage)
    {
        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith($"Description:\n  {description}\n\nUsage:\n  {usage}\n", result.StandardOutput, StringComparison.Ordinal);
        Assert.Matches($@"(?m)^  {System.Text.RegularExpressions.Regex.Escape(HelpLine)}\s+Show help and usage information$", result.StandardOutput);
        Assert.Equal("", result.StandardError);
    }

    private Task<ProcessResult> NonoAsync(params string[] args)
    {
        Dictionary<string, string> environment = new()
        {
            ["PATH"] = "/usr/local/bin:/usr/bin:/bin",
            ["HOME"] = _home.Path,
            ["LC_ALL"] = "C",
        };
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is string root)
        {
            environment["DOTNET_ROOT"] = root;
        }

        return ProcessRunner.RunAsync(NonoExecutable.Path, args, TestUser.Current, environment, _home.Path, cancellationToken: TestContext.Current.CancellationToken);
    }
}
