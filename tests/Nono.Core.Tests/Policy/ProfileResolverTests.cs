using Nono.Core.Capabilities;
using Nono.Core.Diagnostics;
using Nono.Core.Policy;

namespace Nono.Core.Tests.Policy;

public sealed partial class ProfileResolverTests
{
    [Fact]
    public void Resolve_ExtendsSeveralBases_ChainIsBasesFirstAndListsUnion()
    {
        using PolicyFixture f = new();
        string a = f.MakeDirectory("a");
        string b = f.MakeDirectory("b");
        string c = f.MakeDirectory("c");
        InMemoryCatalog catalog = new InMemoryCatalog()
            .WithProfile("base1", $$"""{ "filesystem": { "read": ["{{a}}"] }, "network": { "block": true } }""")
            .WithProfile("base2", $$"""{ "filesystem": { "allow": ["{{b}}"] }, "workdir": { "access": "read" } }""")
            .WithProfile("child", $$"""{ "extends": ["base1", "base2"], "filesystem": { "write": ["{{c}}"] }, "network": { "block": false } }""");

        PolicyResolution resolution = new ProfileResolver(catalog).Resolve("child", f.Context);

        Assert.True(resolution.Succeeded, string.Join("\n", resolution.Problems));
        ResolvedPolicy policy = resolution.Policy;
        Assert.Equal(["base1", "base2", "child"], policy.Chain);
        Assert.Equal("child", policy.ProfileName);
        Assert.Contains(policy.Capabilities.Grants, g => g.Path == a && g.Access == FsAccess.Read && g.Source == "profile:base1");
        Assert.Contains(policy.Capabilities.Grants, g => g.Path == b && g.Access == FsAccess.ReadWrite);
        Assert.Contains(policy.Capabilities.Grants, g => g.Path == c && g.Access == FsAccess.Write);
        Assert.Contains(policy.Capabilities.Grants, g => g.Path == f.Workdir && g.Access == FsAccess.Read && g.Source == "workdir");
        Assert.Equal(NetworkMode.Allow, policy.Capabilities.Network);
    }

    [Fact]
    public void Resolve_DiamondExtends_IsNotACycle()
    {
        using PolicyFixture f = new();
        InMemoryCatalog catalog = new InMemoryCatalog()
            .WithProfile("root", "{}")
            .WithProfile("left", """{ "extends": "root" }""")
            .WithProfile("right", """{ "extends": "root" }""")
            .WithProfile("top", """{ "extends": ["left", "right"] }""");

        PolicyResolution resolution = new ProfileResolver(catalog).Resolve("top", f.Context);

        Assert.True(resolution.Succeeded, string.Join("\n", resolution.Problems));
        Assert.Equal(["root", "left", "right", "top"], resolution.Policy.Chain);
    }

    [Fact]
    public void Resolve_Cycle_ReportsTheChain()
    {
        using PolicyFixture f = new();
        InMemoryCatalog catalog = new InMemoryCatalog()
            .WithProfile("a", """{ "extends": "b" }""")
            .WithProfile("b", """{ "extends": ["c"] }""")
            .WithProfile("c", """{ "extends": ["a"] }""");

        PolicyResolution resolution = new ProfileResolver(catalog).Resolve("a", f.Context);

        Assert.False(resolution.Succeeded);
        PolicyProblem problem = Assert.Single(resolution.Problems);
        Assert.Equal("extends cycle: a -> b -> c -> a", problem.Message);
        Assert.Equal("mem:c", problem.Origin);
        Assert.Equal("$.extends[0]", problem.JsonPath);
    }

    [Fact]
    public void Resolve_SelfExtends_IsACycle()
    {
        using PolicyFixture f = new();
        InMemoryCatalog catalog = new InMemoryCatalog().WithProfile("me", """{ "extends": "me" }""");

        PolicyResolution resolution = new ProfileResolver(catalog).Resolve("me", f.Context);

        Assert.Equal("extends cycle: me -> me", Assert.Single(resolution.Problems).Message);
    }

    [Fact]
    public void Resolve_TooDeep_ReportsDepthAndChain()
    {
        using PolicyFixture f = new();
        InMemoryCatalog catalog = new();
        int count = ProfileResolver.MaxExtendsDepth + 2;
        for (int i = 0; i < count; i++)
        {
            catalog.WithProfile($"p{i}", i + 1 < count ? $$"""{ "extends": "p{{i + 1}}" }""" : "{}");
        }

        PolicyResolution resolution = new ProfileResolver(catalog).Resolve("p0", f.Context);

        PolicyProblem problem = Assert.Single(resolution.Problems);
        Assert.StartsWith($"extends chain deeper than {ProfileResolver.MaxExtendsDepth}: p0 -> p1 -> ", problem.Message, StringComparison.Ordinal);
        Assert.EndsWith($"-> p{ProfileResolver.MaxExtendsDepth}", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_UnknownBaseAndGroup_ReportedWithPaths()
    {
        using PolicyFixture f = new();
        InMemoryCatalog catalog = new InMemoryCatalog().WithProfile("p", """{ "extends": ["nope"], "security": { "groups": ["no_such_group"] } }""");

        PolicyResolution resolution = new ProfileResolver(catalog).Resolve("p", f.Context);

        Assert.Contains(resolution.Problems, p => p.JsonPath == "$.extends[0]" && p.Message == "unknown profile 'nope'");
        Assert.Contains(resolution.Problems, p => p.JsonPath == "$.security.groups[0]" && p.Message.StartsWith("unknown group 'no_such_group'", StringComparison.Ordinal));
    }

    [Fact]
    public void Resolve_UnknownProfile_IsAProblemNotAnException()
    {
        using PolicyFixture f = new();

        PolicyResolution resolution = new ProfileResolver(new InMemoryCatalog()).Resolve("missing", f.Context);

        Assert.Equal("unknown profile 'missing'", Assert.Single(resolution.Problems).Message);
    }

    [Fact]
    public void ResolveOrThrow_Problems_ThrowInvalidPolicyNamingFirstAndCount()
    {
        using PolicyFixture f = new();
        InMemoryCatalog catalog = new InMemoryCatalog().WithProfile("p", """{ "bogus": 1, "filesystem": { "allow": ["relative/path"] } }""");

        NonoException ex = Assert.Throws<NonoException>(() => new ProfileResolver(catalog).ResolveOrThrow("p", f.Context));

        Assert.Equal(NonoErrorCode.InvalidPolicy, ex.Code);
        Assert.Contains("$.bogus", ex.Message, StringComparison.Ordinal);
        Assert.Contains("and 1 more problem", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_SemanticProblems_AllReported()
    {
        using PolicyFixture f = new();
        string json = """
            {
              "network": {
                "allow_domain": ["https://evil.example/path", "*.good.example", "good.example:8443", "[::1]:22", "bad.example:0"],
                "resolve": ["host=not-an-ip", "ok.example=127.0.0.1"],
                "custom_credentials": { "svc": { "upstream": "http://remote.example", "inject_mode": "query_param", "inject_header": "X-Key", "credential_format": "Bearer", "env_var": "1BAD" } }
              },
              "environment": { "allow_vars": ["OK_*", "bad-name", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "GITHUB_TOKEN"] },
              "rollback": { "protected_paths": ["$NOPE/x"] }
            }
            """;
        InMemoryCatalog catalog = new InMemoryCatalog().WithProfile("p", json);

        PolicyResolution resolution = new ProfileResolver(catalog).Resolve("p", f.Context);

        string[] expected =
        [
            "$.network.allow_domain[0]", "$.network.allow_domain[4]", "$.network.resolve[0]", "$.network.custom_credentials.svc.upstream",
            "$.network.custom_credentials.svc.credential_key", "$.network.custom_credentials.svc.inject_header",
            "$.network.custom_credentials.svc.credential_format", "$.network.custom_credentials.svc.env_var",
            "$.environment.allow_vars[1]", "$.environment.allow_vars[2]", "$.rollback.protected_paths[0]",
        ];
        string[] paths = resolution.Problems.Select(p => p.JsonPath).ToArray();
        Assert.Equal(expected.Order(StringComparer.Ordinal), paths.Order(StringComparer.Ordinal));
        Assert.Contains("can mint OIDC tokens", resolution.Problems.Single(p => p.JsonPath == "$.environment.allow_vars[2]").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_NetworkSections_MapToModes()
    {
        using PolicyFixture f = new();
        InMemoryCatalog catalog = new InMemoryCatalog()
            .WithProfile("open", "{}")
            .WithProfile("proxied", """{ "network": { "allow_domain": ["api.example.com"] } }""")
            .WithProfile("blocked", """{ "network": { "block": true, "allow_domain": ["api.example.com"] } }""");
        ProfileResolver resolver = new(catalog);

        Assert.Equal(NetworkMode.Allow, resolver.ResolveOrThrow("open", f.Context).Capabilities.Network);
        Assert.Equal(NetworkMode.Proxy, resolver.ResolveOrThrow("proxied", f.Context).Capabilities.Network);
        Assert.Equal(NetworkMode.Block, resolver.ResolveOrThrow("blocked", f.Context).Capabilities.Network);
        Assert.Equal(NetworkMode.Block, resolver.ResolveOrThrow("proxied", f.Context, new PolicyOverrides { BlockNetwork = true }).Capabilities.Network);
    }

    [Fact]
    public void Resolve_Digest_StableAndSensitiveToGrants()
    {
        using PolicyFixture f = new();
        string a = f.MakeDirectory("a");
        InMemoryCatalog catalog = new InMemoryCatalog().WithProfile("p", $$"""{ "filesystem": { "read": ["{{a}}"] } }""");
        ProfileResolver resolver = new(catalog);

        string first = resolver.ResolveOrThrow("p", f.Context).Digest;
        string second = resolver.ResolveOrThrow("p", f.Context).Digest;
        string widened = resolver.ResolveOrThrow("p", f.Context, new PolicyOverrides { Paths = [new PathOverride(a, FsAccess.Write, false, "--write")] }).Digest;

        Assert.Matches("^[0-9a-f]{64}$", first);
        Assert.Equal(first, second);
        Assert.NotEqual(first, widened);
    }

    [Fact]
    public void Resolve_Digest_IgnoresOrderAndSourcesButNotNetwork()
    {
        using PolicyFixture f = new();
        string a = f.MakeDirectory("a");
        string b = f.MakeDirectory("b");
        InMemoryCatalog catalog = new InMemoryCatalog()
            .WithProfile("one", $$"""{ "filesystem": { "read": ["{{a}}", "{{b}}"] } }""")
            .WithProfile("two", $$"""{ "filesystem": { "read": ["{{b}}", "{{a}}"] } }""")
            .WithProfile("three", $$"""{ "filesystem": { "read": ["{{b}}", "{{a}}"] }, "network": { "block": true } }""");
        ProfileResolver resolver = new(catalog);

        string one = resolver.ResolveOrThrow("one", f.Context).Digest;
        string two = resolver.ResolveOrThrow("two", f.Context).Digest;
        string three = resolver.ResolveOrThrow("three", f.Context).Digest;

        Assert.Equal(one, two);
        Assert.NotEqual(one, three);
    }
}
