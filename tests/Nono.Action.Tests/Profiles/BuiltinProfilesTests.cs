using Nono.Action.Profiles;
using Nono.Core.Capabilities;
using Nono.Core.Policy;

namespace Nono.Action.Tests.Profiles;

public sealed class BuiltinProfilesTests
{
    public static TheoryData<string> ProfileNames => new(BuiltinProfiles.Profiles.Keys.Order(StringComparer.Ordinal));

    [Fact]
    public void Builtins_IncludeTheDocumentedProfilesAndGroups()
    {
        string[] profiles = ["default", "python-dev", "node-dev", "rust-dev", "go-dev", "dotnet-dev", "claude-code", "codex", "ci"];
        string[] groups = ["deny_credentials", "system_read_linux", "temp_write", "node_runtime", "python_runtime", "rust_runtime", "go_runtime", "java_runtime", "dotnet_runtime", "git_config"];

        Assert.All(profiles, p => Assert.True(BuiltinProfiles.Profiles.ContainsKey(p), p));
        Assert.All(groups, g => Assert.True(BuiltinProfiles.Groups.ContainsKey(g), g));
        Assert.Equal(["deny_credentials"], BuiltinProfiles.MandatoryGroups);
    }

    [Fact]
    public void GroupsFile_HasNoProblems()
    {
        List<PolicyProblem> problems = [];

        ProfileParser.ParseGroups(BuiltinProfiles.GroupsJson, "groups.json", problems);

        Assert.Empty(problems);
    }

    [Theory]
    [MemberData(nameof(ProfileNames))]
    public void Builtin_PassesTheStructureCheck_AndTheEmbeddedParseGivesTheSameProfile(string name)
    {
        string json = BuiltinProfiles.Profiles[name];

        ParsedProfile checkedParse = ProfileParser.ParseProfile(json, "builtin:" + name);
        ParsedProfile embedded = ProfileParser.ParseEmbeddedProfile(json, "builtin:" + name);

        Assert.Empty(checkedParse.Problems);
        Assert.Empty(embedded.Problems);
        Assert.Equal(ProfileParser.ToJson(checkedParse.Profile), ProfileParser.ToJson(embedded.Profile));
    }

    [Fact]
    public void GroupsFile_EmbeddedParseGivesTheSameGroups()
    {
        List<PolicyProblem> problems = [];

        IReadOnlyDictionary<string, PolicyGroup> checkedParse = ProfileParser.ParseGroups(BuiltinProfiles.GroupsJson, "groups.json", problems);
        IReadOnlyDictionary<string, PolicyGroup> embedded = ProfileParser.ParseEmbeddedGroups(BuiltinProfiles.GroupsJson, "groups.json", problems);

        Assert.Empty(problems);
        Assert.Equal(checkedParse.Keys.Order(StringComparer.Ordinal), embedded.Keys.Order(StringComparer.Ordinal));
        Assert.All(checkedParse, g =>
        {
            Assert.Equal(g.Value.Description, embedded[g.Key].Description);
            Assert.Equal(ProfileParser.ToJson(new Profile { Filesystem = g.Value.Filesystem }), ProfileParser.ToJson(new Profile { Filesystem = embedded[g.Key].Filesystem }));
        });
    }

    [Fact]
    public void EmbeddedParse_BrokenText_ReportsAProblem()
    {
        ParsedProfile parsed = ProfileParser.ParseEmbeddedProfile("""{ "filesystem": { "allow": 3 } }""", "builtin:broken");

        PolicyProblem problem = Assert.Single(parsed.Problems);
        Assert.Equal("builtin:broken", problem.Origin);
    }

    [Theory]
    [MemberData(nameof(ProfileNames))]
    public void Builtin_ResolvesOnARunnerLikeMachine_WithCredentialAndStateDenies(string name)
    {
        using CliFixture f = new();
        f.Environment["GITHUB_WORKSPACE"] = Directory.CreateDirectory(Path.Combine(f.Root, "work", "repo")).FullName;
        f.Environment["RUNNER_TEMP"] = Directory.CreateDirectory(Path.Combine(f.Root, "work", "_temp")).FullName;
        f.Environment["RUNNER_TOOL_CACHE"] = Directory.CreateDirectory(Path.Combine(f.Root, "toolcache")).FullName;
        PolicyContext context = PolicyContextFactory.Create(f.Environment, f.Workdir);

        PolicyResolution resolution = new ProfileResolver(PolicyLoader.CatalogFor(context)).Resolve(name, context);

        Assert.True(resolution.Succeeded, string.Join("\n", resolution.Problems));
        CapabilitySet caps = resolution.Policy.Capabilities;
        Assert.Contains(caps.Denies, d => d.Path == Path.Combine(f.Home, ".ssh") && d.Source == "group:deny_credentials");
        Assert.Contains(caps.Denies, d => d.Path == Path.Combine(f.Home, ".local", "state", "nono") && d.Source == ProfileResolver.StateDirectorySource);
        Assert.Contains(caps.Grants, g => g.Path == "/usr" && g.Access == FsAccess.Read);
        Assert.DoesNotContain(caps.Grants, g => g.Path == "/" || g.Path == f.Home);
    }

    [Fact]
    public void Ci_WorkspaceWritableToolCacheReadableRunnerInternalsDeniedNetworkBlocked()
    {
        using CliFixture f = new();
        string work = Directory.CreateDirectory(Path.Combine(f.Root, "runner", "_work")).FullName;
        string workspace = Directory.CreateDirectory(Path.Combine(work, "repo", "repo")).FullName;
        string temp = Directory.CreateDirectory(Path.Combine(work, "_temp")).FullName;
        string tools = Directory.CreateDirectory(Path.Combine(f.Root, "hostedtoolcache")).FullName;
        string checkoutCredential = Path.Combine(temp, $"git-credentials-{Guid.NewGuid():N}.config");
        File.WriteAllText(checkoutCredential, "[http]\n\textraheader = AUTHORIZATION: basic " + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)));
        File.WriteAllText(Path.Combine(temp, "step.sh"), "echo hi");
        File.WriteAllText(Path.Combine(temp, "scratch.txt"), "");
        Directory.CreateDirectory(Path.Combine(temp, "_runner_file_commands"));
        Directory.CreateDirectory(Path.Combine(work, "_actions", "actions", "checkout"));
        Directory.CreateDirectory(Path.Combine(f.Root, "runner", "_diag"));
        f.Environment["GITHUB_WORKSPACE"] = workspace;
        f.Environment["RUNNER_TEMP"] = temp;
        f.Environment["RUNNER_TOOL_CACHE"] = tools;
        PolicyContext context = PolicyContextFactory.Create(f.Environment, workspace);

        // A user who also grants $RUNNER_TEMP still cannot reach the runner's files in it.
        ResolvedPolicy policy = new ProfileResolver(PolicyLoader.CatalogFor(context)).ResolveOrThrow("ci", context, new PolicyOverrides
        {
            Paths = [new PathOverride(temp, FsAccess.ReadWrite, false, "--allow")],
        });

        Assert.Equal(NetworkMode.Block, policy.Capabilities.Network);
        Assert.True(PolicyExplainer.Why(policy, Path.Combine(workspace, "src", "a.c"), FsOperation.ReadWrite).Allowed);
        Assert.True(PolicyExplainer.Why(policy, Path.Combine(tools, "node", "bin", "node"), FsOperation.Read).Allowed);
        Assert.False(PolicyExplainer.Why(policy, Path.Combine(tools, "node", "bin", "node"), FsOperation.Write).Allowed);
        Assert.False(PolicyExplainer.Why(policy, checkoutCredential, FsOperation.Read).Allowed);
        Assert.False(PolicyExplainer.Why(policy, Path.Combine(temp, "step.sh"), FsOperation.Write).Allowed);
        Assert.False(PolicyExplainer.Why(policy, Path.Combine(temp, "_runner_file_commands", "set_output_1"), FsOperation.Write).Allowed);
        Assert.False(PolicyExplainer.Why(policy, Path.Combine(work, "_actions", "actions", "checkout", "dist"), FsOperation.Read).Allowed);
        Assert.False(PolicyExplainer.Why(policy, Path.Combine(f.Root, "runner", "_diag", "Worker.log"), FsOperation.Read).Allowed);
        // $RUNNER_TEMP is carved around the runner's files: what is there stays writable, nothing new directly in it.
        Assert.True(PolicyExplainer.Why(policy, Path.Combine(temp, "scratch.txt"), FsOperation.ReadWrite).Allowed);
        Assert.False(PolicyExplainer.Why(policy, Path.Combine(temp, "new.txt"), FsOperation.ReadWrite).Allowed);
    }

    [Fact]
    public void Ci_OutsideGitHubActions_ReportsTheMissingRunnerVariables()
    {
        using CliFixture f = new();
        PolicyContext context = PolicyContextFactory.Create(f.Environment, f.Workdir);

        PolicyResolution resolution = new ProfileResolver(PolicyLoader.CatalogFor(context)).Resolve("ci", context);

        Assert.False(resolution.Succeeded);
        Assert.Contains(resolution.Problems, p => p.Origin == "builtin:ci" && p.Message.Contains("$GITHUB_WORKSPACE is not set", StringComparison.Ordinal));
    }

    [Fact]
    public void Default_AllowsNetworkAndTheWorkdir()
    {
        using CliFixture f = new();
        PolicyContext context = PolicyContextFactory.Create(f.Environment, f.Workdir);

        ResolvedPolicy policy = new ProfileResolver(PolicyLoader.CatalogFor(context)).ResolveOrThrow("default", context);

        Assert.Equal(NetworkMode.Allow, policy.Capabilities.Network);
        Assert.Contains(policy.Capabilities.Grants, g => g.Path == f.Workdir && g.Access == FsAccess.ReadWrite);
        Assert.False(PolicyExplainer.Why(policy, "/etc/shadow", FsOperation.Read).Allowed);
        Assert.True(PolicyExplainer.Why(policy, "/etc/hostname", FsOperation.Read).Allowed);
    }

    [Fact]
    public void ClaudeCode_GrantsItsStateWhenPresent()
    {
        using CliFixture f = new();
        string claude = Directory.CreateDirectory(Path.Combine(f.Home, ".claude")).FullName;
        Directory.CreateDirectory(Path.Combine(claude, "projects"));
        File.WriteAllText(Path.Combine(claude, "settings.json"), "{}");
        File.WriteAllText(Path.Combine(f.Home, ".claude.json"), "{}");
        PolicyContext context = PolicyContextFactory.Create(f.Environment, f.Workdir);

        ResolvedPolicy policy = new ProfileResolver(PolicyLoader.CatalogFor(context)).ResolveOrThrow("claude-code", context);

        Assert.Equal(["default", "claude-code"], policy.Chain);
        Assert.True(PolicyExplainer.Why(policy, Path.Combine(claude, "projects", "session.jsonl"), FsOperation.ReadWrite).Allowed);
        // Settings (and hooks) are readable, never writable: a command could otherwise grant itself permissions.
        Assert.True(PolicyExplainer.Why(policy, Path.Combine(claude, "settings.json"), FsOperation.Read).Allowed);
        Assert.False(PolicyExplainer.Why(policy, Path.Combine(claude, "settings.json"), FsOperation.Write).Allowed);
        Assert.True(PolicyExplainer.Why(policy, Path.Combine(f.Home, ".claude.json"), FsOperation.ReadWrite).Allowed);
        Assert.Equal(NetworkMode.Proxy, policy.Capabilities.Network);
    }
}
