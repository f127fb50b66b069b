using System.Text.Json;
using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

/// <summary>
/// <c>setup --check-only</c> reports cgroup v2 where it is mounted, hybrid hosts included (v2 beside the v1 controllers,
/// as on this machine at /sys/fs/cgroup/unified), judged against util-linux <c>findmnt</c> rather than nono's own parse.
/// </summary>
[Trait("Requires", "Landlock")]
public sealed class SetupCgroupTests
{
    [Fact]
    public async Task Setup_CheckOnly_ReportsTheCgroup2MountWhereverItIs()
    {
        using NonoSandbox sb = new(TestUser.Current);
        ProcessResult findmnt = await ProcessRunner.RunAsync("findmnt", ["-t", "cgroup2", "-n", "-o", "TARGET"], cancellationToken: TestContext.Current.CancellationToken);
        string? expected = findmnt.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();

        ProcessResult text = await sb.RunAsync("setup", "--check-only");
        ProcessResult json = await sb.RunAsync("setup", "--check-only", "--json");

        using JsonDocument doc = JsonDocument.Parse(json.StandardOutput);
        if (expected is null)
        {
            Assert.Contains("cgroup v2: no", text.StandardOutput);
            Assert.False(doc.RootElement.GetProperty("cgroupV2").GetBoolean());
        }
        else
        {
            Assert.Contains($"cgroup v2: yes (mounted at {expected})", text.StandardOutput);
            Assert.True(doc.RootElement.GetProperty("cgroupV2").GetBoolean());
            Assert.Equal(expected, doc.RootElement.GetProperty("cgroupV2MountPoint").GetString());
        }
    }
}
