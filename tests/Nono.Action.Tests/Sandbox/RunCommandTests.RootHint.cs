using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

public sealed partial class RunCommandTests
{
    private const string RootHint = "nono: hint: the command ran as root without capabilities";

    [Theory]
    [MemberData(nameof(BothUsers))]
    public async Task Run_CapabilityLessRootCommandFails_NamesTheOptIn_OnlyThen(TestUser user)
    {
        using NonoSandbox sb = new(user);
        sb.Environment["NONO_CONTAINMENT"] = "direct-child";
        sb.Environment["NONO_NETWORK_TIER"] = "landlock-tcp"; // no user namespace: root drops its capabilities
        string file = sb.Outside.Combine("owned.txt");
        await File.WriteAllTextAsync(file, "x", TestContext.Current.CancellationToken);

        string[] flags = [.. SandboxSystemPaths.CliFlags, "--allow", sb.Outside.Path, "--block-net", "--no-audit"];

        // chown needs CAP_CHOWN: fails with EPERM for a capability-less root command, and for 65534 anyway.
        ProcessResult chown = await sb.RunAsync(["run", .. flags, "--", "/bin/chown", "12345", file]);
        ProcessResult fine = await sb.RunAsync(["run", .. flags, "--", "/bin/true"]);

        Assert.NotEqual(0, chown.ExitCode);
        Assert.Contains("Operation not permitted", chown.StandardError, StringComparison.Ordinal);
        Assert.True(fine.ExitCode == 0, fine.StandardError);
        Assert.DoesNotContain(RootHint, fine.StandardError, StringComparison.Ordinal); // no noise on success
        if (user == TestUser.Nobody || !ProcessRunner.IsRoot)
        {
            Assert.DoesNotContain(RootHint, chown.StandardError, StringComparison.Ordinal); // not root: nothing was dropped
            return;
        }

        Assert.Contains(RootHint + "; if it failed with EPERM (operation not permitted), --allow-weaker root-capabilities keeps them", chown.StandardError, StringComparison.Ordinal);
        ProcessResult optedIn = await sb.RunAsync(["run", .. flags, "--allow-weaker", "root-capabilities", "--", "/bin/chown", "12345", file]);
        Assert.True(optedIn.ExitCode == 0, optedIn.StandardError); // the remedy the hint names works
        Assert.DoesNotContain(RootHint, optedIn.StandardError, StringComparison.Ordinal);
        ProcessResult owner = await ProcessRunner.RunAsync("/usr/bin/stat", ["-c", "%u", file], TestUser.Current, sb.Environment, sb.Home.Path, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("12345\n", owner.StandardOutput);
    }
}
