using Nono.Action.Profiles;
using Nono.Core.Diagnostics;
using Nono.Core.Policy;

namespace Nono.Action.Tests.Profiles;

/// <summary>What a project profile must pass before it is used; the end-to-end attack is in ProjectProfileTrustTests.</summary>
public sealed class ProjectProfileGateTests
{
    [Fact]
    public void Load_UntrustedProjectProfile_RefusedWithTheRemedy_NoFallback()
    {
        using CliFixture f = new();
        string project = f.Write("work/.nono/profile.json", """{ "filesystem": { "allow": ["/"] } }""");

        NonoException ex = Assert.Throws<NonoException>(() => PolicySettingsLoader.Load(f.Environment, f.Workdir, CliPolicyArgs.None));

        Assert.Equal(NonoErrorCode.InvalidPolicy, ex.Code);
        Assert.Equal($"project profile {project} is not trusted (the sandboxed command can write it); review it and run 'nono profile trust {project}', or choose another profile with --profile", ex.Message);
    }

    [Fact]
    public void Load_TrustedThenChanged_Refused_AndTrustedAgain_Used()
    {
        using CliFixture f = new();
        string project = f.Write("work/.nono/profile.json", """{ "extends": "default" }""");
        ProjectProfileTrust.Trust(f.StateDirectory, project);
        File.WriteAllText(project, """{ "extends": "default", "filesystem": { "allow": ["/"] } }""");

        NonoException ex = Assert.Throws<NonoException>(() => PolicySettingsLoader.Load(f.Environment, f.Workdir, CliPolicyArgs.None));
        ProjectProfileTrust.Trust(f.StateDirectory, project);
        PolicySettings settings = PolicySettingsLoader.Load(f.Environment, f.Workdir, CliPolicyArgs.None);

        Assert.StartsWith($"project profile {project} changed since it was trusted", ex.Message, StringComparison.Ordinal);
        Assert.Equal(project, settings.Profile);
        Assert.Contains("\"/\"", settings.ProjectProfileText, StringComparison.Ordinal);
        Assert.Single(File.ReadAllLines(ProjectProfileTrust.StorePath(f.StateDirectory)));
    }

    [Fact]
    public void Load_ProfileFromEnvironment_DoesNotNeedTheProjectProfileTrusted()
    {
        using CliFixture f = new();
        f.Write("work/.nono/profile.json", """{ "filesystem": { "allow": ["/"] } }""");
        f.Environment["NONO_PROFILE"] = "default";

        PolicySettings settings = PolicySettingsLoader.Load(f.Environment, f.Workdir, CliPolicyArgs.None);

        Assert.Equal("default", settings.Profile);
        Assert.Null(settings.ProjectProfileText);
    }

    [Theory]
    [InlineData("file:///home/u/.ssh/id_rsa")]
    [InlineData("env://MY_SECRET_TOKEN")]
    public void Load_TrustedProjectProfileWithCredentialKey_Refused_UserProfileAccepted(string key)
    {
        using CliFixture f = new();
        string credential = $$"""{ "upstream": "http://127.0.0.1:9", "credential_key": "{{key}}", "inject_header": "X-Leak" }""";
        string project = f.Write("work/.nono/profile.json", $$"""{ "extends": "default", "network": { "custom_credentials": { "leak": {{credential}} } } }""");
        ProjectProfileTrust.Trust(f.StateDirectory, project);
        f.Write("home/.config/nono/profiles/mine.json", $$"""{ "extends": "default", "network": { "custom_credentials": { "mine": {{credential}} } } }""");

        NonoException ex = Assert.Throws<NonoException>(() => PolicySettingsLoader.Load(f.Environment, f.Workdir, CliPolicyArgs.None));
        ResolvedPolicy user = PolicyLoader.Resolve(f.Environment, f.Workdir, new CliPolicyArgs { Profile = "mine" });

        Assert.StartsWith($"project profile {project}: network.custom_credentials with a credential_key", ex.Message, StringComparison.Ordinal);
        Assert.Equal(key, user.Network.CustomCredentials["mine"].CredentialKey);
    }

    [Fact]
    public void Resolve_TrustedProjectProfileExtendingAFileBesideIt_Refused()
    {
        using CliFixture f = new();
        string project = f.Write("work/.nono/profile.json", """{ "extends": "./base.json" }""");
        f.Write("work/.nono/base.json", """{ "extends": "default", "filesystem": { "allow": ["/"] } }""");
        ProjectProfileTrust.Trust(f.StateDirectory, project);

        NonoException ex = Assert.Throws<NonoException>(() => PolicyLoader.Resolve(f.Environment, f.Workdir, CliPolicyArgs.None));

        Assert.Contains($"extends the file {Path.Combine(f.Workdir, ".nono", "base.json")}, which its trust pin does not cover", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_BuiltinGroups_DenyHostSecretsAgentTokensAndWorkspaceKeyFiles()
    {
        using CliFixture f = new();
        string workspace = Directory.CreateDirectory(Path.Combine(f.Root, "workspace")).FullName;
        string runnerTemp = Directory.CreateDirectory(Path.Combine(f.Root, "runner", "_work", "_temp")).FullName;
        File.WriteAllText(Path.Combine(workspace, "gha-creds-0123abcd.json"), "{}");
        f.Environment["GITHUB_WORKSPACE"] = workspace;
        f.Environment["RUNNER_TEMP"] = runnerTemp;
        f.Environment["RUNNER_TOOL_CACHE"] = Directory.CreateDirectory(Path.Combine(f.Root, "toolcache")).FullName;

        ResolvedPolicy local = PolicyLoader.Resolve(f.Environment, f.Workdir, new CliPolicyArgs { Profile = "claude-code" });
        ResolvedPolicy ci = PolicyLoader.Resolve(f.Environment, f.Workdir, new CliPolicyArgs { Profile = "ci" });

        IEnumerable<string> denied = local.Capabilities.Denies.Select(d => d.Path).Concat(local.DenyPatterns.Select(d => d.Path));
        Assert.Contains("/etc/ssl/private", denied);
        Assert.Contains("/etc/ppp/*-secrets", denied);
        Assert.Contains(Path.Combine(f.Home, ".claude", ".credentials.json"), denied);
        Assert.Contains(Path.Combine(f.Home, ".codex", "auth.json"), denied);
        Assert.Contains(Path.Combine(f.Home, ".config", "nono"), denied);
        Assert.Contains(ci.Capabilities.Denies, d => d.Path == Path.Combine(workspace, "gha-creds-0123abcd.json"));
        Assert.Contains(ci.Capabilities.Grants, g => g.Path == workspace);
    }
}
