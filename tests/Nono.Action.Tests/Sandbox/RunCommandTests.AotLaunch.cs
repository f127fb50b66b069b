using Nono.Action.Tests.Install;
using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

public sealed partial class RunCommandTests
{
    public static TheoryData<TestUser, string, string> ContainedTiers => new()
    {
        { TestUser.Current, "pidns", "" },
        { TestUser.Nobody, "pidns", "" },
        { TestUser.Current, "cgroup", "" },
        { TestUser.Current, "pidns", "--block-net" },
        { TestUser.Nobody, "pidns", "--allow-domain=example.test" },
        { TestUser.Current, "cgroup", "--block-net" },
    };

    /// <summary>
    /// Only the NativeAOT nono starts the contained tiers' command with vfork (a JIT host forks): the command shares its
    /// parent's memory until exec, and must still confine itself before it. Denied file unread, granted write done, its
    /// exit code passed through, and the tree as in the JIT build. Also with the network tier (block and proxy), whose
    /// namespaces the init or relay is cloned into.
    /// </summary>
    [Theory]
    [MemberData(nameof(ContainedTiers))]
    public async Task Run_AotNono_VforkedCommandIsConfinedAndItsExitCodePassesThrough(TestUser user, string containment, string network)
    {
        using NonoSandbox sb = new(user);
        using TempDirectory bin = new("nono-aot-");
        string nono = Path.Combine(bin.Path, "nono");
        File.Copy(await AotBinary.FindOrPublishAsync(TestContext.Current.CancellationToken), nono);
        File.SetUnixFileMode(bin.Path, (UnixFileMode)0b111_101_101);
        sb.Environment["NONO_CONTAINMENT"] = containment;
        if (network.Length > 0)
        {
            sb.Environment["NONO_NETWORK_TIER"] = "netns";
        }

        await File.WriteAllTextAsync(sb.Outside.Combine("secret"), "outside-secret", TestContext.Current.CancellationToken);
        Directory.CreateDirectory(sb.Home.Combine("work"));
        if (user == TestUser.Nobody)
        {
            await ProcessRunner.RunAsync("chown", ["-R", "65534:65534", sb.Home.Path, sb.Outside.Path], cancellationToken: TestContext.Current.CancellationToken);
        }

        string script = $"cat {sb.Outside.Combine("secret")} || echo denied; echo ok > {sb.Home.Combine("work", "w")} && echo write-ok; echo pid=$$; exit 7";

        ProcessResult result = await ProcessRunner.RunAsync(
            nono, ["run", .. SandboxSystemPaths.CliFlags, .. (network.Length > 0 ? [network] : Array.Empty<string>()), "--allow", sb.Home.Combine("work"), "--no-audit", "--", "/bin/sh", "-c", script],
            sb.User, sb.Environment, sb.Home.Path, cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == 7, result.StandardError);
        Assert.Contains("denied", result.StandardOutput);
        Assert.DoesNotContain("outside-secret", result.StandardOutput);
        Assert.Contains("write-ok", result.StandardOutput);
        Assert.Contains(containment == "pidns" ? "pid=2" : "pid=", result.StandardOutput);
    }
}
