using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

/// <summary>The metadata grants of a carved sibling swapped for a link after the plan (review of session 12).</summary>
public sealed partial class RunCommandTests
{
    /// <summary>
    /// A root command in the supervised metadata containment; a carved sibling becomes a link to a root-owned file outside
    /// the grants while nono waits after the plan. chmod through the link must be refused (the sibling itself still can).
    /// </summary>
    [Fact]
    public async Task Run_CarvedSiblingSwappedForALinkAfterThePlan_MetadataNotGrantedAtItsTarget()
    {
        Assert.SkipUnless(ProcessRunner.IsRoot, "the attack needs a root command");
        using NonoSandbox sb = new(TestUser.Current);
        sb.Environment["NONO_CONTAINMENT"] = "direct-child";
        sb.Environment["NONO_NETWORK_TIER"] = "landlock-tcp"; // no user namespace: root drops its capabilities
        string work = sb.Home.Combine("work");
        Directory.CreateDirectory(Path.Combine(work, "denied"));
        File.WriteAllText(Path.Combine(work, "a"), "a");
        string outside = sb.Outside.Combine("root-owned");
        File.WriteAllText(outside, "y");
        File.SetUnixFileMode(outside, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(sb.Environment["NONO_PROFILE"], $$"""{ "meta": { "name": "test-carve" }, "filesystem": { "deny": ["{{Path.Combine(work, "denied")}}"] } }""");
        string[] args = ["run", .. SandboxSystemPaths.CliFlags, "--allow", work, "--read", sb.Outside.Path, "--block-net", "--no-audit", "--",
            "/bin/sh", "-c", $"chmod 604 {work}/a; echo done"];

        ProcessResult unchanged = await RunPausedAfterPlanAsync(sb, args, () => { });
        ProcessResult swapped = await RunPausedAfterPlanAsync(sb, args, () =>
        {
            File.Delete(Path.Combine(work, "a"));
            File.CreateSymbolicLink(Path.Combine(work, "a"), outside);
        });

        Assert.True(unchanged.ExitCode == 0, unchanged.ToString());
        Assert.DoesNotContain("chmod:", unchanged.StandardError, StringComparison.Ordinal);
        Assert.Contains("done", swapped.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"chmod: changing permissions of '{work}/a': Operation not permitted", swapped.StandardError, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(outside));
    }
}
