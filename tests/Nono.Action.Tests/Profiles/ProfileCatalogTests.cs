using Nono.Action.Profiles;
using Nono.Core.Policy;

namespace Nono.Action.Tests.Profiles;

public sealed class ProfileCatalogTests
{
    [Fact]
    public void FindProfile_UserProfileShadowsBuiltinAndBuiltinPrefixReachesTheOriginal()
    {
        using CliFixture f = new();
        string user = f.Write("home/.config/nono/profiles/default.json", """{ "extends": "builtin:default", "meta": { "description": "mine" } }""");
        ProfileCatalog catalog = new(f.UserProfiles, f.Workdir);

        ProfileSource? found = catalog.FindProfile("default", null);
        ProfileSource? builtin = catalog.FindProfile("builtin:default", null);

        Assert.Equal(user, found?.Origin);
        Assert.Equal("builtin:default", builtin?.Origin);
    }

    [Fact]
    public void Resolve_UserProfileExtendingBuiltinOfSameName_IsNotACycle()
    {
        using CliFixture f = new();
        f.Write("home/.config/nono/profiles/default.json", """{ "extends": "builtin:default", "network": { "block": true } }""");
        PolicyContext context = PolicyContextFactory.Create(f.Environment, f.Workdir);

        ResolvedPolicy policy = new ProfileResolver(PolicyLoader.CatalogFor(context)).ResolveOrThrow("default", context);

        Assert.Equal(["default", "default"], policy.Chain);
        Assert.Equal(Nono.Core.Capabilities.NetworkMode.Block, policy.Capabilities.Network);
    }

    [Theory]
    [InlineData("./p.json", true)]
    [InlineData("p.json", true)]
    [InlineData("dir/p", true)]
    [InlineData("p", false)]
    public void IsPath_SlashOrJsonSuffix(string value, bool expected)
    {
        Assert.Equal(expected, ProfileCatalog.IsPath(value));
    }

    [Fact]
    public void FindProfile_RelativeExtendsPath_ResolvesAgainstReferringFile()
    {
        using CliFixture f = new();
        string dir = Path.Combine(f.Root, "profiles");
        f.Write("profiles/base.json", "{}");
        ProfileCatalog catalog = new(f.UserProfiles, f.Workdir);

        ProfileSource? found = catalog.FindProfile("./base.json", dir);

        Assert.Equal(Path.Combine(dir, "base.json"), found?.Origin);
    }

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("-x")]
    [InlineData("")]
    public void IsValidName_RejectsPathLikeNames(string name)
    {
        Assert.False(ProfileCatalog.IsValidName(name));
    }

    [Fact]
    public void List_IncludesUserProfilesAndBuiltins()
    {
        using CliFixture f = new();
        f.Write("home/.config/nono/profiles/mine.json", "{}");
        ProfileCatalog catalog = new(f.UserProfiles, f.Workdir);

        IReadOnlyList<ProfileSource> all = catalog.List();

        Assert.Contains(all, p => p.Name == "mine" && p.Origin.StartsWith('/'));
        Assert.Contains(all, p => p.Name == "ci" && p.Origin == "builtin:ci");
    }
}
