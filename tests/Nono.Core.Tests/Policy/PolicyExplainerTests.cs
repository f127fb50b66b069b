using Nono.Core.Policy;

namespace Nono.Core.Tests.Policy;

public sealed partial class PolicyExplainerTests
{
    private static ResolvedPolicy Resolve(PolicyFixture f, string json) =>
        new ProfileResolver(new InMemoryCatalog().WithProfile("p", json)).ResolveOrThrow("p", f.Context);

    [Fact]
    public void Why_PathUnderGrant_AllowedNamingGrantAndSource()
    {
        using PolicyFixture f = new();
        string project = f.MakeDirectory("project");
        ResolvedPolicy policy = Resolve(f, $$"""{ "filesystem": { "allow": ["{{project}}"] } }""");

        Decision decision = PolicyExplainer.Why(policy, Path.Combine(project, "src", "main.cs"), FsOperation.ReadWrite);

        Assert.True(decision.Allowed);
        Assert.Equal(DecidingRule.Grant, decision.Rule);
        Assert.Equal(project, decision.RulePath);
        Assert.Equal("profile:p", decision.Source);
    }

    [Fact]
    public void Why_DenyInsideGrant_DeniedNamingDeny()
    {
        using PolicyFixture f = new();
        string project = f.MakeDirectory("project");
        string secrets = f.MakeDirectory("project", "secrets");
        f.MakeFile("project", "secrets.txt");
        ResolvedPolicy policy = Resolve(f, $$"""{ "filesystem": { "allow": ["{{project}}"], "deny": ["{{secrets}}"] } }""");

        Decision inside = PolicyExplainer.Why(policy, Path.Combine(secrets, "key.pem"), FsOperation.Read);
        Decision sibling = PolicyExplainer.Why(policy, Path.Combine(project, "secrets.txt"), FsOperation.Read);

        Assert.False(inside.Allowed);
        Assert.Equal(DecidingRule.Deny, inside.Rule);
        Assert.Equal(secrets, inside.RulePath);
        Assert.Equal("profile:p", inside.Source);
        Assert.True(sibling.Allowed);
    }

    [Fact]
    public void Why_UnrelatedPath_DeniedByDefault()
    {
        using PolicyFixture f = new();
        ResolvedPolicy policy = Resolve(f, "{}");

        Decision decision = PolicyExplainer.Why(policy, "/var/lib/something", FsOperation.Read);

        Assert.False(decision.Allowed);
        Assert.Equal(DecidingRule.None, decision.Rule);
        Assert.Null(decision.Source);
    }

    [Fact]
    public void Why_ReadOnlyGrant_WriteIsInsufficient()
    {
        using PolicyFixture f = new();
        string docs = f.MakeDirectory("docs");
        ResolvedPolicy policy = Resolve(f, $$"""{ "filesystem": { "read": ["{{docs}}"] } }""");

        Decision read = PolicyExplainer.Why(policy, Path.Combine(docs, "a.md"), FsOperation.Read);
        Decision write = PolicyExplainer.Why(policy, Path.Combine(docs, "a.md"), FsOperation.Write);

        Assert.True(read.Allowed);
        Assert.False(write.Allowed);
        Assert.Equal(DecidingRule.InsufficientGrant, write.Rule);
    }

    [Fact]
    public void Why_AccessCombinesAcrossNestedGrants()
    {
        using PolicyFixture f = new();
        string outer = f.MakeDirectory("outer");
        string inner = f.MakeDirectory("outer", "inner");
        ResolvedPolicy policy = Resolve(f, $$"""{ "filesystem": { "read": ["{{outer}}"], "write": ["{{inner}}"] } }""");

        Decision decision = PolicyExplainer.Why(policy, Path.Combine(inner, "f"), FsOperation.ReadWrite);

        Assert.True(decision.Allowed);
        Assert.Equal(inner, decision.RulePath);
    }

    [Fact]
    public void Why_FileGrant_CoversOnlyThatFile()
    {
        using PolicyFixture f = new();
        string file = f.MakeFile("cfg", "app.json");
        ResolvedPolicy policy = Resolve(f, $$"""{ "filesystem": { "read_file": ["{{file}}"] } }""");

        Assert.True(PolicyExplainer.Why(policy, file, FsOperation.Read).Allowed);
        Assert.False(PolicyExplainer.Why(policy, file + ".bak", FsOperation.Read).Allowed);
        Assert.False(PolicyExplainer.Why(policy, Path.GetDirectoryName(file)!, FsOperation.Read).Allowed); // a file path always has a parent
    }
}
