using Nono.Core.Capabilities;
using Nono.Core.Policy;

namespace Nono.Core.Tests.Policy;

public sealed partial class ProfileResolverTests
{
    public static TheoryData<string> BroadWorkdirs => ["home", "parent of home", "root"];

    [Theory]
    [MemberData(nameof(BroadWorkdirs))]
    public void Resolve_WorkdirAccessOfHomeOrAbove_IsRefused(string which)
    {
        using PolicyFixture f = new();
        InMemoryCatalog catalog = new InMemoryCatalog().WithProfile("p", """{ "workdir": { "access": "readwrite" } }""");
        PolicyContext context = f.Context with { Workdir = BroadWorkdir(f, which) };

        PolicyResolution resolution = new ProfileResolver(catalog).Resolve("p", context);

        Assert.False(resolution.Succeeded);
        PolicyProblem problem = Assert.Single(resolution.Problems);
        Assert.Equal("$.workdir.access", problem.JsonPath);
        Assert.StartsWith($"refusing to grant the working directory {context.Workdir}:", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_AllowCwdInHome_IsRefusedNamingTheOption()
    {
        using PolicyFixture f = new();
        InMemoryCatalog catalog = new InMemoryCatalog().WithProfile("p", "{}");

        PolicyResolution resolution = new ProfileResolver(catalog).Resolve("p", f.Context with { Workdir = f.Home }, new PolicyOverrides { AllowCwd = true });

        Assert.Equal("--allow-cwd", Assert.Single(resolution.Problems).Origin);
    }

    [Fact]
    public void Resolve_HomeWorkdirWithExplicitRead_TheExplicitGrantDecides()
    {
        using PolicyFixture f = new();
        InMemoryCatalog catalog = new InMemoryCatalog().WithProfile("p", """{ "workdir": { "access": "readwrite" } }""");
        PolicyOverrides overrides = new() { Paths = [new PathOverride(f.Home, FsAccess.Read, false, "--read")] };

        ResolvedPolicy policy = new ProfileResolver(catalog).ResolveOrThrow("p", f.Context with { Workdir = f.Home }, overrides);

        FsGrant home = Assert.Single(policy.Capabilities.Grants, g => g.Path == f.Home);
        Assert.Equal(FsAccess.Read, home.Access);
        Assert.Equal("--read", home.Source);
    }

    [Fact]
    public void Resolve_ProjectUnderHomeOrNoWorkdirAccess_IsGranted()
    {
        using PolicyFixture f = new();
        string project = f.MakeDirectory("home", "src", "project");
        InMemoryCatalog catalog = new InMemoryCatalog()
            .WithProfile("p", """{ "workdir": { "access": "readwrite" } }""")
            .WithProfile("none", """{ "workdir": { "access": "none" } }""");

        ResolvedPolicy inProject = new ProfileResolver(catalog).ResolveOrThrow("p", f.Context with { Workdir = project });
        PolicyResolution inHome = new ProfileResolver(catalog).Resolve("none", f.Context with { Workdir = f.Home });

        Assert.Contains(inProject.Capabilities.Grants, g => g.Path == project && g.Access == FsAccess.ReadWrite && g.Source == "workdir");
        Assert.True(inHome.Succeeded, string.Join("\n", inHome.Problems));
    }

    private static string BroadWorkdir(PolicyFixture f, string which) => which switch
    {
        "home" => f.Home,
        "parent of home" => Path.GetDirectoryName(f.Home)!, // the fixture's home is never the root
        _ => "/",
    };
}
