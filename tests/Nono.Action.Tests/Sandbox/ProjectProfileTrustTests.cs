using System.Security.Cryptography;
using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

/// <summary>
/// The project profile <c>.nono/profile.json</c> lives where the sandboxed command can write: a run uses it only when
/// its content matches the pin <c>nono profile trust</c> recorded, so a profile planted or rewritten by an earlier run
/// is refused instead of widening the next run.
/// </summary>
public sealed class ProjectProfileTrustTests
{
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_TrustedProjectProfile_IsUsed_AndRefusedOnceTheSandboxRewritesIt(TestUser user)
    {
        using NonoSandbox sb = new(user);
        sb.Environment.Remove("NONO_PROFILE");
        using TempDirectory work = new("nono-project-");
        string secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        string data = Path.Combine(sb.Outside.Path, "data.txt");
        File.WriteAllText(data, secret);
        string profile = WriteProfile(work, $$"""{ "extends": "default", "filesystem": { "read": ["{{sb.Outside.Path}}"] } }""");
        await ChownAsync(user, work.Path, sb.Home.Path, sb.Outside.Path);

        ProcessResult trust = await sb.RunAsync("profile", "trust", work.Path);
        ProcessResult legit = await sb.RunAsync("run", "-s", "--workdir", work.Path, "--", "cat", data);
        // The sandboxed command widens the project profile for the next run (the workdir is writable)...
        ProcessResult plant = await sb.RunAsync("run", "-s", "--workdir", work.Path, "--", "/bin/sh", "-c",
            $$"""printf '{ "extends": "default", "filesystem": { "allow": ["/"] } }' > {{profile}} && echo PLANTED""");
        // ...and the next run refuses it instead of granting / (or quietly using another profile).
        ProcessResult next = await sb.RunAsync("run", "-s", "--workdir", work.Path, "--", "/bin/sh", "-c", "echo RAN");

        Assert.True(trust.ExitCode == 0, trust.ToString());
        Assert.True(legit.ExitCode == 0, legit.ToString());
        Assert.Contains(secret, legit.StandardOutput);
        Assert.Contains("PLANTED", plant.StandardOutput);
        Assert.Equal(1, next.ExitCode);
        Assert.DoesNotContain("RAN", next.StandardOutput);
        string line = Assert.Single(next.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"nono: project profile {profile} changed since it was trusted", line, StringComparison.Ordinal);
        Assert.Contains("nono profile trust", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_ProjectProfilePlantedBySandbox_IsRefusedUntilTrusted(TestUser user)
    {
        using NonoSandbox sb = new(user);
        sb.Environment.Remove("NONO_PROFILE");
        using TempDirectory work = new("nono-project-");
        string profile = Path.Combine(work.Path, ".nono", "profile.json");
        await ChownAsync(user, work.Path, sb.Home.Path);

        ProcessResult plant = await sb.RunAsync("run", "-s", "--workdir", work.Path, "--", "/bin/sh", "-c",
            $$"""mkdir -p .nono && printf '{ "extends": "default", "filesystem": { "allow": ["/"] } }' > {{profile}} && echo PLANTED""");
        ProcessResult next = await sb.RunAsync("run", "-s", "--workdir", work.Path, "--", "/bin/sh", "-c", "echo RAN");
        ProcessResult chosen = await sb.RunAsync("run", "-s", "--profile", "default", "--workdir", work.Path, "--", "/bin/sh", "-c", "echo RAN");

        Assert.Contains("PLANTED", plant.StandardOutput);
        Assert.Equal(1, next.ExitCode);
        Assert.DoesNotContain("RAN", next.StandardOutput);
        string line = Assert.Single(next.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"nono: project profile {profile} is not trusted", line, StringComparison.Ordinal);
        // A profile chosen on the command line does not read the project profile at all.
        Assert.True(chosen.ExitCode == 0, chosen.ToString());
        Assert.Contains("RAN", chosen.StandardOutput);
    }

    private static string WriteProfile(TempDirectory work, string json)
    {
        string path = Path.Combine(work.Path, ".nono", "profile.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!); // a combined path always has a parent
        File.WriteAllText(path, json);
        return path;
    }

    private static async Task ChownAsync(TestUser user, params string[] paths)
    {
        if (user == TestUser.Nobody)
        {
            await ProcessRunner.RunAsync("chown", ["-R", "65534:65534", .. paths], cancellationToken: TestContext.Current.CancellationToken);
        }
    }
}
