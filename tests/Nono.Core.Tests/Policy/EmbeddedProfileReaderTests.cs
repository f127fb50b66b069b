using Nono.Core.Policy;

namespace Nono.Core.Tests.Policy;

/// <summary>The embedded-profile reader against the checked parse, on texts that use every member of the model.</summary>
public sealed class EmbeddedProfileReaderTests
{
    private const string EveryMember = """
        // a comment, as the built-ins have
        {
          "extends": ["base", "other"],
          "meta": { "name": "all", "description": "every \"member\" \u00fc" },
          "security": { "groups": ["system_read_linux", "temp_write",] },
          "filesystem": {
            "allow": ["$GITHUB_WORKSPACE"], "read": ["/usr", "~/x"], "write": ["/tmp/w"],
            "allow_file": ["/a"], "read_file": ["/b"], "write_file": ["/c"], "deny": ["~/.ssh", "$RUNNER_TEMP/*.sh"]
          },
          "network": {
            "block": false, "allow_domain": ["*.example.com"], "network_profile": "dev", "credentials": ["github"], "allow_token_minting": ["github"],
            "custom_credentials": {
              "svc": { "upstream": "https://api.example.com", "credential_key": "k", "inject_mode": "query_param", "inject_header": "X-Key", "credential_format": "Bearer {}", "env_var": "SVC_TOKEN" },
              "other": { "inject_mode": "basic_auth" }
            },
            "resolve": ["api.example.com=127.0.0.1"], "allow_unix_sockets": true
          },
          "environment": { "allow_vars": ["LANG", "LC_*"], "set": { "A": "1", "B": "" } },
          "rollback": { "enabled": true, "exclude_patterns": ["node_modules"], "exclude_globs": ["**/*.o"], "protected_paths": [".git"] },
          "workdir": { "access": "readwrite" },
        }
        """;

    public static TheoryData<string> Texts() => new()
    {
        EveryMember,
        """{ "extends": "ci" }""",
        """{ "workdir": { "access": "none" }, "network": { "custom_credentials": { "h": { "inject_mode": "header" }, "u": { "inject_mode": "url_path" } } } }""",
        """{ "workdir": { "access": "read" } }""",
        """{ "workdir": { "access": "write" } }""",
        "{}",
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void ReadProfile_ValidText_GivesTheCheckedParsesModel(string json)
    {
        ParsedProfile checkedParse = ProfileParser.ParseProfile(json, "test");

        ParsedProfile embedded = ProfileParser.ParseEmbeddedProfile(json, "test");

        Assert.Empty(checkedParse.Problems);
        Assert.Empty(embedded.Problems);
        Assert.Equal(ProfileParser.ToJson(checkedParse.Profile), ProfileParser.ToJson(embedded.Profile));
    }

    [Fact]
    public void ReadProfile_EveryMember_IsReadNotDefaulted()
    {
        Profile profile = ProfileParser.ParseEmbeddedProfile(EveryMember, "test").Profile;

        Assert.Equal(["base", "other"], profile.Extends);
        Assert.Equal(InjectMode.QueryParam, profile.Network.CustomCredentials["svc"].InjectMode);
        Assert.Equal("", profile.Environment.Set["B"]);
        Assert.Equal(WorkdirAccess.ReadWrite, profile.Workdir.Access);
        Assert.True(profile.Network.AllowUnixSockets);
        Assert.Equal([".git"], profile.Rollback.ProtectedPaths);
    }

    [Theory]
    [InlineData("""{ "filesystem": { "allow": 3 } }""", "$.filesystem.allow")]
    [InlineData("""{ "filesystem": { "allow": ["/a", 3] } }""", "$.filesystem.allow[1]")]
    [InlineData("""{ "filesystem": { "alow": ["/a"] } }""", "$.filesystem.alow")]
    [InlineData("""{ "unknown": 1 }""", "$.unknown")]
    [InlineData("""{ "workdir": { "access": "everything" } }""", "$.workdir.access")]
    [InlineData("""{ "network": { "block": "yes" } }""", "$.network.block")]
    [InlineData("""{ "network": { "custom_credentials": { "x": { "inject_mode": "cookie" } } } }""", "$.network.custom_credentials.x.inject_mode")]
    [InlineData("""{ "extends": 1 }""", "$.extends")]
    [InlineData("""{ "meta": [] }""", "$.meta")]
    [InlineData("""{ "environment": { "set": { "A": 1 } } }""", "$.environment.set.A")]
    [InlineData("""{ "extends": null }""", "$.extends")]
    [InlineData("""{ "meta": null }""", "$.meta")]
    [InlineData("""{ "filesystem": { "allow": null } }""", "$.filesystem.allow")]
    [InlineData("""{ "filesystem": { "allow": [null] } }""", "$.filesystem.allow[0]")]
    [InlineData("""{ "network": { "block": null } }""", "$.network.block")]
    [InlineData("""{ "meta": { "name": null } }""", "$.meta.name")]
    [InlineData("null", "$")]
    [InlineData("[]", "$")]
    [InlineData("{} {}", "$")]
    public void ReadProfile_BadText_ReportsOneProblemAtItsPlace_AndTheCheckedParseRejectsItToo(string json, string path)
    {
        ParsedProfile embedded = ProfileParser.ParseEmbeddedProfile(json, "builtin:bad");

        PolicyProblem problem = Assert.Single(embedded.Problems);
        Assert.Equal("builtin:bad", problem.Origin);
        Assert.Equal(path, problem.JsonPath);
        Assert.NotEmpty(ProfileParser.ParseProfile(json, "test").Problems);
    }

    [Theory]
    [InlineData("""{ "filesystem": {"""), InlineData("""{ "a" """), InlineData("")]
    public void ReadProfile_TruncatedText_ReportsAProblem(string json)
    {
        Assert.Single(ProfileParser.ParseEmbeddedProfile(json, "builtin:cut").Problems);
    }

    [Fact]
    public void ReadGroups_Text_GivesTheCheckedParsesGroups()
    {
        const string Groups = """
            { "g1": { "description": "one", "filesystem": { "read": ["/usr"], "deny": ["~/.aws"] } }, "g2": { "filesystem": {} }, "g3": {} }
            """;
        List<PolicyProblem> checkedProblems = [];
        List<PolicyProblem> embeddedProblems = [];

        IReadOnlyDictionary<string, PolicyGroup> checkedParse = ProfileParser.ParseGroups(Groups, "groups", checkedProblems);
        IReadOnlyDictionary<string, PolicyGroup> embedded = ProfileParser.ParseEmbeddedGroups(Groups, "groups", embeddedProblems);

        Assert.Empty(checkedProblems);
        Assert.Empty(embeddedProblems);
        Assert.Equal(PolicyJson.Serialize(checkedParse), PolicyJson.Serialize(embedded));
        Assert.Equal(["/usr"], embedded["g1"].Filesystem.Read);
    }

    [Fact]
    public void ReadGroups_UnknownMember_ReportsIt()
    {
        List<PolicyProblem> problems = [];

        ProfileParser.ParseEmbeddedGroups("""{ "g": { "filesystem": {}, "extra": 1 } }""", "groups", problems);

        Assert.Equal("$.g.extra", Assert.Single(problems).JsonPath);
    }
}
