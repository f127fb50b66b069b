using System.Text.Json;
using Nono.Action.Cli;

namespace Nono.Action.Tests.Profiles;

public sealed class ProfileCommandTests
{
    [Fact]
    public void Validate_FileWithManyErrors_ListsEveryProblemWithPathAndExits1()
    {
        using CliFixture f = new();
        string file = f.Write("bad.json", """
            {
              "extends": "no-such-base",
              "filesystem": { "allow": ["~/ok", 42, "relative"], "raed": [] },
              "network": { "custom_credentials": { "x": { "upstream": "https://a.example", "credential_key": "k", "inject_mode": "smoke_signal" } } },
              "security": { "groups": ["imaginary_group"] },
            }
            """);

        CliResult result = f.Run("profile", "validate", file);

        Assert.Equal(ExitCodes.NonoError, result.ExitCode);
        Assert.Contains("$.extends[0]: unknown profile 'no-such-base'", result.Output, StringComparison.Ordinal);
        Assert.True(result.Output.IndexOf("allow[1]", StringComparison.Ordinal) < result.Output.IndexOf("allow[2]", StringComparison.Ordinal), "problems are listed in path order");
        Assert.Contains("$.filesystem.allow[1]: expected a string", result.Output, StringComparison.Ordinal);
        Assert.Contains("$.filesystem.allow[2]: 'relative' is not an absolute path", result.Output, StringComparison.Ordinal);
        Assert.Contains("$.filesystem.raed: unknown key 'raed'", result.Output, StringComparison.Ordinal);
        Assert.Contains("$.network.custom_credentials.x.inject_mode: expected one of", result.Output, StringComparison.Ordinal);
        Assert.Contains("$.security.groups[0]: unknown group 'imaginary_group'", result.Output, StringComparison.Ordinal);
        string error = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"nono: {file}: 6 problem(s)", error);
    }

    [Fact]
    public void Validate_Json_IsAnArrayOfProblems()
    {
        using CliFixture f = new();
        string file = f.Write("bad.json", """{ "x": 1, "workdir": { "access": "all" } }""");

        CliResult result = f.Run("profile", "validate", file, "--json");

        Assert.Equal(ExitCodes.NonoError, result.ExitCode);
        using JsonDocument doc = JsonDocument.Parse(result.Output);
        Assert.Equal(["$.workdir.access", "$.x"], doc.RootElement.EnumerateArray().Select(p => p.GetProperty("json_path").GetString()).ToArray());
    }

    [Fact]
    public void Validate_GoodFile_Exits0()
    {
        using CliFixture f = new();
        string file = f.Write("good.json", """{ "extends": "python-dev", "filesystem": { "read": ["~"] } }""");

        CliResult result = f.Run("profile", "validate", file);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("valid (chain: default -> python-dev -> good", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MissingFile_OneLineErrorExit1()
    {
        using CliFixture f = new();

        CliResult result = f.Run("profile", "validate", "nope.json");

        Assert.Equal(ExitCodes.NonoError, result.ExitCode);
        Assert.StartsWith("nono: no such profile file: ", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Schema_PrintsValidJsonSchema()
    {
        using CliFixture f = new();

        CliResult result = f.Run("profile", "schema");

        Assert.Equal(0, result.ExitCode);
        using JsonDocument doc = JsonDocument.Parse(result.Output);
        Assert.True(doc.RootElement.GetProperty("properties").GetProperty("network").GetProperty("properties").TryGetProperty("custom_credentials", out _));
    }

    [Fact]
    public void List_Json_ContainsBuiltinsAndUserProfiles()
    {
        using CliFixture f = new();
        f.Write("home/.config/nono/profiles/team.json", """{ "meta": { "description": "team profile" } }""");

        CliResult result = f.Run("profile", "list", "--json");

        Assert.Equal(0, result.ExitCode);
        using JsonDocument doc = JsonDocument.Parse(result.Output);
        string?[] names = doc.RootElement.EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToArray();
        Assert.Contains("default", names);
        Assert.Contains("ci", names);
        Assert.Contains("team", names);
    }

    [Fact]
    public void Show_Json_HasChainCapabilitiesAndDigest()
    {
        using CliFixture f = new();

        CliResult result = f.Run("profile", "show", "node-dev", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using JsonDocument doc = JsonDocument.Parse(result.Output);
        JsonElement root = doc.RootElement;
        Assert.Equal(["default", "node-dev"], root.GetProperty("chain").EnumerateArray().Select(e => e.GetString()).ToArray());
        Assert.Matches("^[0-9a-f]{64}$", root.GetProperty("digest").GetString());
        Assert.Contains(root.GetProperty("capabilities").GetProperty("denies").EnumerateArray(), d => d.GetProperty("path").GetString() == Path.Combine(f.Home, ".ssh"));
    }

    [Fact]
    public void Show_Text_ShowsChainGrantsAndDenies()
    {
        using CliFixture f = new();

        CliResult result = f.Run("profile", "show", "default", "--block-net");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("chain:    default", result.Output, StringComparison.Ordinal);
        Assert.Contains("network:  Block", result.Output, StringComparison.Ordinal);
        Assert.Contains($"{Path.Combine(f.Home, ".ssh")}  [group:deny_credentials]", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Show_NetBlockAlias_BlocksNetwork()
    {
        using CliFixture f = new();

        CliResult result = f.Run("profile", "show", "default", "--net-block", "--json");

        using JsonDocument doc = JsonDocument.Parse(result.Output);
        Assert.Equal("Block", doc.RootElement.GetProperty("capabilities").GetProperty("network").GetString());
    }

    [Fact]
    public void Show_InvalidProjectProfile_OneLineErrorExit1()
    {
        using CliFixture f = new();
        f.Write("work/.nono/profile.json", """{ "filesystem": { "allow": ["$GITHUB_WORKSPACE"] }, "oops": 1 }""");
        Assert.Equal(ExitCodes.Success, f.Run("profile", "trust").ExitCode);

        CliResult result = f.Run("profile", "show");

        Assert.Equal(ExitCodes.NonoError, result.ExitCode);
        string line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("nono: invalid profile: ", line, StringComparison.Ordinal);
        Assert.Contains("and 1 more problem", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Init_WritesStarterThatValidates_AndRefusesToOverwrite()
    {
        using CliFixture f = new();

        CliResult first = f.Run("profile", "init", "mine", "--extends", "rust-dev");
        string path = Path.Combine(f.UserProfiles, "mine.json");
        string written = File.ReadAllText(path);
        CliResult validate = f.Run("profile", "validate", path);
        File.AppendAllText(path, "// my edit\n");
        CliResult second = f.Run("profile", "init", "mine");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("\"extends\": \"rust-dev\"", written, StringComparison.Ordinal);
        Assert.True(validate.ExitCode == 0, validate.ToString());
        Assert.Equal(ExitCodes.NonoError, second.ExitCode);
        Assert.Contains("refusing to overwrite", second.Error, StringComparison.Ordinal);
        Assert.EndsWith("// my edit\n", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.Equal(["mine.json"], Directory.GetFiles(f.UserProfiles).Select(Path.GetFileName).ToArray());
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    public void Init_BadName_Exit1(string name)
    {
        using CliFixture f = new();

        CliResult result = f.Run("profile", "init", name);

        Assert.Equal(ExitCodes.NonoError, result.ExitCode);
        Assert.StartsWith("nono: invalid profile name", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(f.UserProfiles) && Directory.EnumerateFileSystemEntries(f.UserProfiles).Any());
    }

    [Fact]
    public void Init_UnknownBase_Exit1()
    {
        using CliFixture f = new();

        CliResult result = f.Run("profile", "init", "x", "--extends", "does-not-exist");

        Assert.Equal(ExitCodes.NonoError, result.ExitCode);
        Assert.Contains("unknown base profile", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Groups_ListAndShowOne()
    {
        using CliFixture f = new();

        CliResult list = f.Run("profile", "groups");
        CliResult one = f.Run("profile", "groups", "deny_credentials");
        CliResult unknown = f.Run("profile", "groups", "nope");

        Assert.Contains("deny_credentials (always on):", list.Output, StringComparison.Ordinal);
        Assert.Contains("python_runtime:", list.Output, StringComparison.Ordinal);
        Assert.Contains("deny       ~/.ssh", one.Output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.NonoError, unknown.ExitCode);
    }

    [Theory]
    [InlineData("profile", "validate")]
    [InlineData("profile", "frobnicate")]
    [InlineData("profile", "list", "--bogus")]
    public void UsageErrors_Exit2(params string[] args)
    {
        using CliFixture f = new();

        CliResult result = f.Run(args);

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.StartsWith("nono: ", result.Error, StringComparison.Ordinal);
    }
}
