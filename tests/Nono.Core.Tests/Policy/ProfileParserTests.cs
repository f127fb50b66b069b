using Nono.Core.Policy;

namespace Nono.Core.Tests.Policy;

public sealed class ProfileParserTests
{
    [Fact]
    public void ParseProfile_MinimalProfile_HasEmptyDefaults()
    {
        ParsedProfile parsed = ProfileParser.ParseProfile("""{ "meta": { "name": "x" } }""", "test");

        Assert.Empty(parsed.Problems);
        Assert.NotNull(parsed.Profile.Extends);
        Assert.Empty(parsed.Profile.Extends);
        Assert.Empty(parsed.Profile.Filesystem.Allow);
        Assert.Equal("x", parsed.Profile.Meta.Name);
    }
}
