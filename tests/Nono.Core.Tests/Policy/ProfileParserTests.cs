using Nono.Core.Policy;

namespace Nono.Core.Tests.Policy;

public sealed class ProfileParserTests
{
    [Fact]
    public void ParseProfile_MinimalProfile_HasEmptyDefaults()
    {
        ParsedProfile parsed = ProfileParser.ParseProfile("""{ "meta": { "name": "x" } }""", "test");

        Assert.Empty(parsed.Problems);
        Assert.Empty(parsed.Profile.Extends);
        Assert.Empty(parsed.Profile.Filesystem.Allow);
        Assert.Empty(parsed.Profile.Network.CustomCredentials);
        Assert.Null(parsed.Profile.Network.Block);
        Assert.Equal("x", parsed.Profile.Meta.Name);
    }

    [Fact]
    public void ParseProfile_CommentsAndTrailingCommas_Accepted()
    {
        string json = """
            // a comment
            {
              "extends": "default", /* inline */
              "filesystem": { "allow": ["/a", "/b",], },
              "workdir": { "access": "readwrite" },
            }
            """;

        ParsedProfile parsed = ProfileParser.ParseProfile(json, "test");

        Assert.Empty(parsed.Problems);
        Assert.Equal(["default"], parsed.Profile.Extends);
        Assert.Equal(["/a", "/b"], parsed.Profile.Filesystem.Allow);
        Assert.Equal(WorkdirAccess.ReadWrite, parsed.Profile.Workdir.Access);
    }

    [Fact]
    public void ParseProfile_ExtendsList_KeepsOrder()
    {
        ParsedProfile parsed = ProfileParser.ParseProfile("""{ "extends": ["b", "a"] }""", "test");

        Assert.Equal(["b", "a"], parsed.Profile.Extends);
    }

    [Fact]
    public void ParseProfile_ManyDistinctErrors_ReportsEveryOneWithItsJsonPath()
    {
        string json = """
            {
              "extends": 5,
              "unknown_top": true,
              "filesystem": { "allow": ["/ok", 7, "/ok2"], "reed": [] },
              "network": {
                "block": "yes",
                "custom_credentials": {
                  "my api": { "upstream": "https://x.example", "inject_mode": "cookie" }
                }
              },
              "workdir": { "access": "everything" },
              "environment": { "set": { "A": 1 } },
              "rollback": null
            }
            """;

        ParsedProfile parsed = ProfileParser.ParseProfile(json, "bad.json");

        string[] paths = parsed.Problems.Select(p => p.JsonPath).ToArray();
        Assert.Contains("$.extends", paths);
        Assert.Contains("$.unknown_top", paths);
        Assert.Contains("$.filesystem.allow[1]", paths);
        Assert.Contains("$.filesystem.reed", paths);
        Assert.Contains("$.network.block", paths);
        Assert.Contains("$.network.custom_credentials['my api'].inject_mode", paths);
        Assert.Contains("$.workdir.access", paths);
        Assert.Contains("$.environment.set.A", paths);
        Assert.Contains("$.rollback", paths);
        Assert.All(parsed.Problems, p => Assert.Equal("bad.json", p.Origin));
        Assert.Contains(parsed.Problems, p => p.JsonPath.EndsWith("inject_mode", StringComparison.Ordinal) && p.Message.Contains("\"header\"", StringComparison.Ordinal));
        Assert.Contains(parsed.Problems, p => p.JsonPath == "$.unknown_top" && p.Message.Contains("unknown key", StringComparison.Ordinal));

        // The valid parts survive, so the remaining checks still see them; a rejected entry keeps its slot.
        Assert.Equal<string?>(["/ok", null, "/ok2"], parsed.Profile.Filesystem.Allow);
        Assert.Equal("https://x.example", parsed.Profile.Network.CustomCredentials["my api"].Upstream);
    }

    [Fact]
    public void ParseProfile_InvalidJson_ReportsLine()
    {
        ParsedProfile parsed = ProfileParser.ParseProfile("{\n  \"meta\": {\n", "broken.json");

        PolicyProblem problem = Assert.Single(parsed.Problems);
        Assert.Contains("invalid JSON at line", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseProfile_TopLevelArray_IsAProblem()
    {
        ParsedProfile parsed = ProfileParser.ParseProfile("[]", "x");

        PolicyProblem problem = Assert.Single(parsed.Problems);
        Assert.Equal("$", problem.JsonPath);
    }

    [Fact]
    public void ToJson_RoundTrips()
    {
        ParsedProfile parsed = ProfileParser.ParseProfile("""{ "extends": "a", "network": { "allow_domain": ["x.org"], "block": true } }""", "t");

        ParsedProfile again = ProfileParser.ParseProfile(ProfileParser.ToJson(parsed.Profile), "t");

        Assert.Empty(again.Problems);
        Assert.Equal(["a"], again.Profile.Extends);
        Assert.Equal(["x.org"], again.Profile.Network.AllowDomain);
        Assert.True(again.Profile.Network.Block);
    }

    [Theory]
    [InlineData("$.a[2]", "$.a[10]", -1)]
    [InlineData("$.a[10]", "$.a[9]", 1)]
    [InlineData("$.a", "$.b", -1)]
    [InlineData("$.a[1].x", "$.a[1].x", 0)]
    public void JsonPathComparer_ComparesIndicesAsNumbers(string x, string y, int sign)
    {
        Assert.Equal(sign, Math.Sign(JsonPathComparer.Instance.Compare(x, y)));
    }
}
