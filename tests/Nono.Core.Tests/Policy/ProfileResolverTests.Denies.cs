using Nono.Core.Capabilities;
using Nono.Core.Policy;

namespace Nono.Core.Tests.Policy;

public sealed partial class ProfileResolverTests
{
    [Fact]
    public void Resolve_ChildTriesToDropCredentialDenies_DeniesSurvive()
    {
        using PolicyFixture f = new();
        string ssh = f.MakeDirectory("home", ".ssh");
        f.MakeFile("home", ".ssh", "id_ed25519");
        InMemoryCatalog catalog = new InMemoryCatalog()
            .WithProfile("base", """{ "security": { "groups": ["deny_credentials"] } }""")
            .WithProfile("sneaky", """{ "extends": "base", "security": { "groups": [] }, "filesystem": { "allow": ["~", "~/.ssh"], "read_file": ["~/.ssh/id_ed25519"], "deny": [] } }""");

        ResolvedPolicy policy = new ProfileResolver(catalog).ResolveOrThrow("sneaky", f.Context);

        Assert.Contains(policy.Capabilities.Denies, d => d.Path == ssh && d.Source == "group:deny_credentials");
        Assert.DoesNotContain(policy.Capabilities.Grants, g => PolicyPath.IsWithin(g.Path, ssh));
        Assert.Contains(policy.Skipped, s => s.Path == ssh && s.Reason.Contains("overridden by deny", StringComparison.Ordinal));
        Assert.False(PolicyExplainer.Why(policy, Path.Combine(ssh, "id_ed25519"), FsOperation.Read).Allowed);

        // The legitimate part of the grant still works (an existing entry: the carved home gets no new ones).
        f.MakeFile("home", "notes.txt");
        Assert.True(PolicyExplainer.Why(policy, Path.Combine(f.Home, "notes.txt"), FsOperation.ReadWrite).Allowed);
    }

    [Fact]
    public void Resolve_MandatoryGroup_AppliesEvenWhenNoProfileNamesIt()
    {
        using PolicyFixture f = new();
        InMemoryCatalog catalog = new InMemoryCatalog().WithProfile("bare", "{}");

        ResolvedPolicy policy = new ProfileResolver(catalog).ResolveOrThrow("bare", f.Context);

        Assert.Equal("deny_credentials", policy.Groups[0]);
        Assert.Contains(policy.Capabilities.Denies, d => d.Path == Path.Combine(f.Home, ".aws"));
    }

    [Fact]
    public void Resolve_GrantOfHome_NeverExposesStateDirectory()
    {
        using PolicyFixture f = new();
        string state = f.MakeDirectory("home", ".local", "state", "nono");
        InMemoryCatalog catalog = new InMemoryCatalog().WithProfile("p", """{ "filesystem": { "allow": ["~", "$XDG_STATE_HOME/nono", "$XDG_STATE_HOME/nono/audit"] } }""");
        f.MakeDirectory("home", ".local", "state", "nono", "audit");

        ResolvedPolicy policy = new ProfileResolver(catalog).ResolveOrThrow("p", f.Context);

        Assert.Contains(policy.Capabilities.Denies, d => d.Path == state && d.Source == ProfileResolver.StateDirectorySource);
        Assert.DoesNotContain(policy.Capabilities.Grants, g => PolicyPath.IsWithin(g.Path, state));
        Decision decision = PolicyExplainer.Why(policy, Path.Combine(state, "audit", "log.jsonl"), FsOperation.Read);
        Assert.False(decision.Allowed);
        Assert.Equal(DecidingRule.Deny, decision.Rule);
        f.MakeDirectory("home", "project");
        Assert.True(PolicyExplainer.Why(policy, Path.Combine(f.Home, "project"), FsOperation.Write).Allowed);
    }

    [Fact]
    public void Resolve_StateDirectoryFollowsXdgStateHome()
    {
        using PolicyFixture f = new();
        string custom = f.MakeDirectory("xdg-state");
        f.Environment["XDG_STATE_HOME"] = custom;
        InMemoryCatalog catalog = new InMemoryCatalog().WithProfile("p", $$"""{ "filesystem": { "allow": ["{{f.Root}}"] } }""");

        ResolvedPolicy policy = new ProfileResolver(catalog).ResolveOrThrow("p", f.Context);

        Assert.False(PolicyExplainer.Why(policy, Path.Combine(custom, "nono", "keys", "k"), FsOperation.Read).Allowed);
        f.MakeFile("xdg-state", "other");
        Assert.True(PolicyExplainer.Why(policy, Path.Combine(custom, "other"), FsOperation.Read).Allowed);
    }

    [Fact]
    public void Resolve_WildcardDeny_DeniesExistingMatchesAndFutureOnes()
    {
        using PolicyFixture f = new();
        string temp = f.MakeDirectory("runner", "_temp");
        string credential = f.MakeFile("runner", "_temp", "git-credentials-1234.config");
        f.MakeFile("runner", "_temp", "keep.txt");
        f.Environment["RUNNER_TEMP"] = temp;
        InMemoryCatalog catalog = new InMemoryCatalog().WithProfile("p", """{ "filesystem": { "allow": ["$RUNNER_TEMP"], "deny": ["$RUNNER_TEMP/git-credentials-*.config"] } }""");

        ResolvedPolicy policy = new ProfileResolver(catalog).ResolveOrThrow("p", f.Context);

        Assert.Contains(policy.Capabilities.Denies, d => d.Path == credential);
        Assert.Contains(policy.DenyPatterns, d => d.Path == Path.Combine(temp, "git-credentials-*.config"));
        Assert.False(PolicyExplainer.Why(policy, credential, FsOperation.Read).Allowed);
        Assert.False(PolicyExplainer.Why(policy, Path.Combine(temp, "git-credentials-later.config"), FsOperation.Read).Allowed);
        Assert.True(PolicyExplainer.Why(policy, Path.Combine(temp, "keep.txt"), FsOperation.ReadWrite).Allowed);
    }

    [Fact]
    public void Resolve_WildcardInGrant_IsAProblem()
    {
        using PolicyFixture f = new();
        InMemoryCatalog catalog = new InMemoryCatalog().WithProfile("p", """{ "filesystem": { "read": ["/usr/*"] } }""");

        PolicyResolution resolution = new ProfileResolver(catalog).Resolve("p", f.Context);

        Assert.Contains(resolution.Problems, p => p.JsonPath == "$.filesystem.read[0]" && p.Message.Contains("wildcards", StringComparison.Ordinal));
    }

    [Fact]
    public void Resolve_MissingPaths_SkippedForProfilesButAnErrorForOverrides()
    {
        using PolicyFixture f = new();
        InMemoryCatalog catalog = new InMemoryCatalog().WithProfile("p", """{ "filesystem": { "read": ["~/not-installed"] } }""");
        ProfileResolver resolver = new(catalog);

        ResolvedPolicy policy = resolver.ResolveOrThrow("p", f.Context);
        PolicyResolution withOverride = resolver.Resolve("p", f.Context, new PolicyOverrides { Paths = [new PathOverride("missing-dir", FsAccess.Read, false, "--read")] });

        Assert.Contains(policy.Skipped, s => s.Path == Path.Combine(f.Home, "not-installed") && s.Reason == "does not exist");
        PolicyProblem problem = Assert.Single(withOverride.Problems);
        Assert.Equal("--read", problem.Origin);
        Assert.Contains("does not exist", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_RelativeOverride_ResolvesAgainstWorkdir()
    {
        using PolicyFixture f = new();
        string sub = Directory.CreateDirectory(Path.Combine(f.Workdir, "sub")).FullName;
        InMemoryCatalog catalog = new InMemoryCatalog().WithProfile("p", "{}");

        ResolvedPolicy policy = new ProfileResolver(catalog).ResolveOrThrow("p", f.Context, new PolicyOverrides { Paths = [new PathOverride("sub", FsAccess.ReadWrite, false, "--allow")], AllowCwd = false });

        Assert.Contains(policy.Capabilities.Grants, g => g.Path == sub && g.Source == "--allow");
    }

    [Fact]
    public void Resolve_SameGrantTwice_MergesAccessAndSources()
    {
        using PolicyFixture f = new();
        string a = f.MakeDirectory("a");
        InMemoryCatalog catalog = new InMemoryCatalog()
            .WithGroup("g", new PolicyGroup { Filesystem = new FilesystemSection { Read = [a] } })
            .WithProfile("p", $$"""{ "security": { "groups": ["g"] }, "filesystem": { "write": ["{{a}}"] } }""");

        ResolvedPolicy policy = new ProfileResolver(catalog).ResolveOrThrow("p", f.Context);

        FsGrant grant = Assert.Single(policy.Capabilities.Grants, g => g.Path == a);
        Assert.Equal(FsAccess.ReadWrite, grant.Access);
        Assert.Equal("group:g, profile:p", grant.Source);
    }

    [Fact]
    public void Resolve_FileRuleOnDirectory_IsAProblem()
    {
        using PolicyFixture f = new();
        string a = f.MakeDirectory("a");
        InMemoryCatalog catalog = new InMemoryCatalog().WithProfile("p", $$"""{ "filesystem": { "read_file": ["{{a}}"] } }""");

        PolicyResolution resolution = new ProfileResolver(catalog).Resolve("p", f.Context);

        Assert.Contains(resolution.Problems, p => p.JsonPath == "$.filesystem.read_file[0]" && p.Message.Contains("is a directory", StringComparison.Ordinal));
    }
}
