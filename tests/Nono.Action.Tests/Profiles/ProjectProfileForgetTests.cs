using Nono.Action.Profiles;
using Nono.Core.Diagnostics;
using Nono.Core.Policy;

namespace Nono.Action.Tests.Profiles;

/// <summary>A trusted project profile that was deleted is refused until <c>nono profile trust --forget</c> drops its pin.</summary>
public sealed class ProjectProfileForgetTests
{
    [Fact]
    public void Load_TrustedProfileDeleted_RefusedUntilForgotten_ThenDefault()
    {
        using CliFixture f = new();
        string project = f.Write("work/.nono/profile.json", """{ "extends": "default", "network": { "block": true } }""");
        Assert.Equal(0, f.Run("profile", "trust", project).ExitCode);
        File.Delete(project);

        NonoException refused = Assert.Throws<NonoException>(() => PolicySettingsLoader.Load(f.Environment, f.Workdir, CliPolicyArgs.None));
        CliResult forgot = f.Run("profile", "trust", "--forget", f.Workdir);
        PolicySettings settings = PolicySettingsLoader.Load(f.Environment, f.Workdir, CliPolicyArgs.None);

        Assert.Equal($"trusted project profile {project} is gone (the sandboxed command can delete it); restore it, or run 'nono profile trust --forget {project}', or choose another profile with --profile", refused.Message);
        Assert.True(forgot.ExitCode == 0, forgot.Error);
        Assert.Equal("default", settings.Profile);
        Assert.Empty(File.ReadAllText(ProjectProfileTrust.StorePath(f.StateDirectory)));
    }

    [Fact]
    public void Load_TrustedProfileDeleted_ExplicitProfileStillRuns()
    {
        using CliFixture f = new();
        string project = f.Write("work/.nono/profile.json", """{ "extends": "default" }""");
        ProjectProfileTrust.Trust(f.StateDirectory, project);
        File.Delete(project);
        f.Environment["NONO_PROFILE"] = "default";

        PolicySettings settings = PolicySettingsLoader.Load(f.Environment, f.Workdir, CliPolicyArgs.None);

        Assert.Equal("default", settings.Profile);
    }

    [Fact]
    public void Trust_ForgetWithoutPin_OneLineError()
    {
        using CliFixture f = new();

        CliResult result = f.Run("profile", "trust", "--forget", f.Workdir);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no trusted profile pinned at", Assert.Single(result.Error.Trim().Split('\n')));
    }
}
