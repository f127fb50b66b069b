using Nono.Core.Capabilities;
using Nono.Core.Policy;

namespace Nono.Core.Tests.Policy;

public sealed partial class ProfileResolverTests
{
    [Fact]
    public void Resolve_UnsetVariable_IsAProblemWithJsonPathNeverARootGrant()
    {
        using PolicyFixture f = new();
        InMemoryCatalog catalog = new InMemoryCatalog().WithProfile("p", """{ "filesystem": { "allow": ["~", "$GITHUB_WORKSPACE", "${RUNNER_TEMP}/x", "$NOT_A_VAR"], "read": [""] } }""");

        PolicyResolution resolution = new ProfileResolver(catalog).Resolve("p", f.Context);

        Assert.Null(resolution.Policy);
        Assert.Contains(resolution.Problems, p => p.JsonPath == "$.filesystem.allow[1]" && p.Message.Contains("$GITHUB_WORKSPACE is not set", StringComparison.Ordinal));
        Assert.Contains(resolution.Problems, p => p.JsonPath == "$.filesystem.allow[2]" && p.Message.Contains("$RUNNER_TEMP is not set", StringComparison.Ordinal));
        Assert.Contains(resolution.Problems, p => p.JsonPath == "$.filesystem.allow[3]" && p.Message.Contains("unknown variable $NOT_A_VAR", StringComparison.Ordinal));
        Assert.Contains(resolution.Problems, p => p.JsonPath == "$.filesystem.read[0]" && p.Message == "path is empty");
        Assert.Equal(4, resolution.Problems.Count);
    }

    [Fact]
    public void Resolve_RelativeProfilePath_IsAProblem()
    {
        using PolicyFixture f = new();
        InMemoryCatalog catalog = new InMemoryCatalog().WithProfile("p", """{ "filesystem": { "allow": ["src"] } }""");

        PolicyResolution resolution = new ProfileResolver(catalog).Resolve("p", f.Context);

        PolicyProblem problem = Assert.Single(resolution.Problems);
        Assert.Equal("$.filesystem.allow[0]", problem.JsonPath);
        Assert.Contains("not an absolute path", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_RejectedListEntry_LaterProblemsKeepOriginalIndex()
    {
        using PolicyFixture f = new();
        InMemoryCatalog catalog = new InMemoryCatalog().WithProfile("p", """{ "filesystem": { "allow": ["~", 42, "relative"] }, "security": { "groups": [true, "missing"] } }""");

        PolicyResolution resolution = new ProfileResolver(catalog).Resolve("p", f.Context);

        Assert.Equal(
            ["$.filesystem.allow[1]", "$.filesystem.allow[2]", "$.security.groups[0]", "$.security.groups[1]"],
            resolution.Problems.Select(p => p.JsonPath).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Resolve_SymlinkedGrant_IsCanonicalized()
    {
        using PolicyFixture f = new();
        string real = f.MakeDirectory("real-data");
        string link = Path.Combine(f.Home, "data-link");
        Directory.CreateSymbolicLink(link, real);
        InMemoryCatalog catalog = new InMemoryCatalog().WithProfile("p", """{ "filesystem": { "read": ["~/data-link"] } }""");

        ResolvedPolicy policy = new ProfileResolver(catalog).ResolveOrThrow("p", f.Context);

        Assert.Contains(policy.Capabilities.Grants, g => g.Path == real && g.Access == FsAccess.Read);
        Assert.DoesNotContain(policy.Capabilities.Grants, g => g.Path == link);
        Assert.True(PolicyExplainer.Why(policy, Path.Combine(link, "file"), FsOperation.Read).Allowed);
    }

    [Fact]
    public void Resolve_SymlinkIntoCredentialStore_StaysDenied()
    {
        using PolicyFixture f = new();
        string ssh = f.MakeDirectory("home", ".ssh");
        string link = Path.Combine(f.Workdir, "innocent");
        Directory.CreateSymbolicLink(link, ssh);
        InMemoryCatalog catalog = new InMemoryCatalog().WithProfile("p", """{ "filesystem": { "allow": ["$WORKDIR/innocent"] }, "workdir": { "access": "readwrite" } }""");

        ResolvedPolicy policy = new ProfileResolver(catalog).ResolveOrThrow("p", f.Context);

        Assert.DoesNotContain(policy.Capabilities.Grants, g => g.Path == ssh);
        Assert.False(PolicyExplainer.Why(policy, Path.Combine(link, "id_rsa"), FsOperation.Read).Allowed);
        Assert.True(PolicyExplainer.Why(policy, Path.Combine(f.Workdir, "main.c"), FsOperation.Read).Allowed);
    }

    [Fact]
    public void Resolve_HomeVersusHomeEvil_ComparedByComponent()
    {
        using PolicyFixture f = new();
        string home = f.MakeDirectory("h", "home");
        string evil = f.MakeDirectory("h", "homeevil");
        InMemoryCatalog catalog = new InMemoryCatalog().WithProfile("p", $$"""{ "filesystem": { "allow": ["{{home}}"], "deny": ["{{evil}}/x"] } }""");

        ResolvedPolicy policy = new ProfileResolver(catalog).ResolveOrThrow("p", f.Context);

        Assert.True(PolicyExplainer.Why(policy, Path.Combine(home, "file"), FsOperation.Read).Allowed);
        Decision evilDecision = PolicyExplainer.Why(policy, Path.Combine(evil, "file"), FsOperation.Read);
        Assert.False(evilDecision.Allowed);
        Assert.Equal(DecidingRule.None, evilDecision.Rule);
    }

    [Fact]
    public void Resolve_ProtectedPaths_ExpandedRelativeToWorkdir()
    {
        using PolicyFixture f = new();
        InMemoryCatalog catalog = new InMemoryCatalog().WithProfile("p", """{ "rollback": { "enabled": true, "protected_paths": [".env", "~/keep", "$WORKDIR/.git"] } }""");

        ResolvedPolicy policy = new ProfileResolver(catalog).ResolveOrThrow("p", f.Context);

        Assert.Equal([Path.Combine(f.Workdir, ".env"), Path.Combine(f.Home, "keep"), Path.Combine(f.Workdir, ".git")], policy.ProtectedPaths);
        Assert.True(policy.Rollback.Enabled);
    }
}
