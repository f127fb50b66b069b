using System.Diagnostics;
using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

public sealed partial class RunCommandTests
{
    public static TheoryData<TestUser> BothUsers => new() { TestUser.Current, TestUser.Nobody };

    /// <summary>
    /// The PID-namespace tier's process tree is nono → init → command: nono's only child is pid 1 of a new PID namespace
    /// (cloned straight into it, no relay process in between) and the command is that init's only child, pid 2 there.
    /// </summary>
    [Theory]
    [MemberData(nameof(BothUsers))]
    public async Task Run_PidNamespace_NonosOnlyChildIsTheInitWhoseOnlyChildIsTheCommand(TestUser user)
    {
        using NonoSandbox sb = new(user);
        sb.Environment["NONO_CONTAINMENT"] = "pidns";
        using Process nono = sb.Start(["run", .. SandboxSystemPaths.CliFlags, "--", NonoSandbox.Python, "-c",
            "import os, signal; print('ready', os.getpid(), os.getppid(), flush=True); signal.pause()"]);
        string? ready = await nono.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken);

        try
        {
            Assert.Equal("ready 2 1", ready);
            int init = Assert.Single(ChildrenOf(nono.Id));
            Assert.Equal([init, 1], NamespacePids(init));
            int command = Assert.Single(ChildrenOf(init));
            Assert.Equal([command, 2], NamespacePids(command));
            Assert.Contains("python3", File.ReadAllText($"/proc/{command}/cmdline"), StringComparison.Ordinal);
        }
        finally
        {
            Signal(nono.Id, 15); // forwarded through the init to the command
            await nono.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        Assert.Equal(128 + 15, nono.ExitCode);
    }

    private static int[] ChildrenOf(int pid) =>
        [.. Directory.EnumerateDirectories($"/proc/{pid}/task")
            .SelectMany(task => File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(int.Parse)];

    /// <summary>The NSpid line of /proc/PID/status: the pid in each PID namespace, outermost first.</summary>
    private static int[] NamespacePids(int pid) =>
        [.. File.ReadAllLines($"/proc/{pid}/status").Single(l => l.StartsWith("NSpid:", StringComparison.Ordinal))
            .Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(int.Parse)];
}
