using Nono.Action.Profiles;
using Nono.Core.Capabilities;
using Nono.Core.Diagnostics;
using Nono.Core.Policy;

namespace Nono.Action.Tests.Profiles;

public sealed class PolicySettingsLoaderTests
{
    [Fact]
    public void Load_NothingConfigured_BuiltinDefault()
    {
        using CliFixture f = new();

        PolicySettings settings = PolicySettingsLoader.Load(f.Environment, f.Workdir, CliPolicyArgs.None);

        Assert.Equal("default", settings.Profile);
        Assert.Equal("builtin", settings.ProfileLayer);
        Assert.False(settings.Overrides.BlockNetwork);
    }

    [Fact]
    public void Load_ProjectProfile_BeatsBuiltin()
    {
        using CliFixture f = new();
        string project = f.Write("work/.nono/profile.json", "{}");
        ProjectProfileTrust.Trust(f.StateDirectory, project);

        PolicySettings settings = PolicySettingsLoader.Load(f.Environment, f.Workdir, CliPolicyArgs.None);

        Assert.Equal(project, settings.Profile);
        Assert.Equal("project", settings.ProfileLayer);
        Assert.Equal("{}", settings.ProjectProfileText);
    }

    [Fact]
    public void Load_Environment_BeatsProject()
    {
        using CliFixture f = new();
        f.Write("work/.nono/profile.json", "{}");
        f.Environment["NONO_PROFILE"] = "node-dev";
        f.Environment["NONO_BLOCK_NET"] = "1";

        PolicySettings settings = PolicySettingsLoader.Load(f.Environment, f.Workdir, CliPolicyArgs.None);

        Assert.Equal("node-dev", settings.Profile);
        Assert.Equal("environment", settings.ProfileLayer);
        Assert.True(settings.Overrides.BlockNetwork);
    }

    [Fact]
    public void Load_CommandLine_BeatsEverything_AndGrantsAddUp()
    {
        using CliFixture f = new();
        f.Write("work/.nono/profile.json", "{}");
        f.Environment["NONO_PROFILE"] = "node-dev";
        f.Environment["NONO_ALLOW"] = "/a, /b";

        PolicySettings settings = PolicySettingsLoader.Load(f.Environment, f.Workdir, new CliPolicyArgs { Profile = "rust-dev", Read = ["/c"], AllowCwd = true });

        Assert.Equal("rust-dev", settings.Profile);
        Assert.Equal("command line", settings.ProfileLayer);
        Assert.True(settings.Overrides.AllowCwd);
        Assert.Equal(
            [new PathOverride("/a", FsAccess.ReadWrite, false, "NONO_ALLOW"), new PathOverride("/b", FsAccess.ReadWrite, false, "NONO_ALLOW"), new PathOverride("/c", FsAccess.Read, false, "--read")],
            settings.Overrides.Paths);
    }

    [Theory]
    [InlineData("maybe")]
    [InlineData("2")]
    public void Load_BadBlockNet_OneLineError(string value)
    {
        using CliFixture f = new();
        f.Environment["NONO_BLOCK_NET"] = value;

        NonoException ex = Assert.Throws<NonoException>(() => PolicySettingsLoader.Load(f.Environment, f.Workdir, CliPolicyArgs.None));

        Assert.Equal(NonoErrorCode.InvalidPolicy, ex.Code);
        Assert.Contains("NONO_BLOCK_NET", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_ThroughAllLayers_UsesProjectProfileWithEnvironmentGrant()
    {
        using CliFixture f = new();
        string extra = Directory.CreateDirectory(Path.Combine(f.Root, "extra")).FullName;
        ProjectProfileTrust.Trust(f.StateDirectory, f.Write("work/.nono/profile.json", """{ "extends": "default", "network": { "allow_domain": ["example.com"] } }"""));
        f.Environment["NONO_ALLOW"] = extra;

        ResolvedPolicy policy = PolicyLoader.Resolve(f.Environment, f.Workdir, CliPolicyArgs.None);

        Assert.Equal(["default", "profile"], policy.Chain);
        Assert.Equal(NetworkMode.Proxy, policy.Capabilities.Network);
        Assert.Contains(policy.Capabilities.Grants, g => g.Path == extra && g.Source == "NONO_ALLOW");
    }

    [Fact]
    public void Load_ProjectProfileInGitHubActions_IgnoredUnlessTrusted()
    {
        using CliFixture f = new();
        string project = f.Write("work/.nono/profile.json", """{ "filesystem": { "allow": ["~"] } }""");
        f.Environment["GITHUB_ACTIONS"] = "true";

        PolicySettings untrusted = PolicySettingsLoader.Load(f.Environment, f.Workdir, CliPolicyArgs.None);
        f.Environment["NONO_TRUST_PROJECT_PROFILE"] = "true";
        PolicySettings trusted = PolicySettingsLoader.Load(f.Environment, f.Workdir, CliPolicyArgs.None);

        Assert.Equal("default", untrusted.Profile);
        Assert.Contains(untrusted.Notes, n => n.StartsWith($"ignored {project}", StringComparison.Ordinal));
        Assert.Equal(project, trusted.Profile);
        Assert.Empty(trusted.Notes);
    }
}
