using System.Security.Cryptography;
using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

/// <summary>
/// Nono's user profiles (<c>$XDG_CONFIG_HOME/nono</c>) decide every later run, so, like the state directory, the
/// sandbox never sees them, even beneath a grant of the whole home directory.
/// </summary>
public sealed class NonoConfigDenyTests
{
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_AllowHome_CannotRewriteUserProfiles_ButOtherConfigWorks(TestUser user)
    {
        using NonoSandbox sb = new(user);
        string profiles = sb.Home.Combine(".config", "nono", "profiles");
        Directory.CreateDirectory(profiles);
        string userDefault = Path.Combine(profiles, "default.json");
        File.WriteAllText(userDefault, """{ "extends": "builtin:default" }""");
        Directory.CreateDirectory(sb.Home.Combine(".config", "tool"));
        if (user == TestUser.Nobody)
        {
            await ProcessRunner.RunAsync("chown", ["-R", "65534:65534", sb.Home.Path], cancellationToken: TestContext.Current.CancellationToken);
        }

        string marker = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        ProcessResult result = await sb.SandboxedAsync("run", ["-s", "--allow", sb.Home.Path], "/bin/sh", "-c",
            $$"""printf '{ "filesystem": { "allow": ["/"] } }' > {{userDefault}} || echo profile-denied; cat {{userDefault}} || echo read-denied; echo {{marker}} > {{sb.Home.Combine(".config", "tool", "settings")}} && echo tool-ok""");

        Assert.Contains("profile-denied", result.StandardOutput);
        Assert.Contains("read-denied", result.StandardOutput);
        Assert.Contains("tool-ok", result.StandardOutput);
        Assert.Equal("""{ "extends": "builtin:default" }""", File.ReadAllText(userDefault));
        Assert.Equal(marker, File.ReadAllText(sb.Home.Combine(".config", "tool", "settings")).Trim());
    }
}
