using System.Diagnostics;
using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

public sealed partial class RunCommandTests
{
    /// <summary>The command prints its pid and parent as it sees them, then waits; the marker names it in argv.</summary>
    private const string ReportAndPause = "import os, signal, sys; print('ready', os.getpid(), os.getppid(), flush=True); signal.pause()";

    public static TheoryData<TestUser, string, bool> NetnsChains => new()
    {
        { TestUser.Current, "pidns", false },
        { TestUser.Nobody, "pidns", false },
        { TestUser.Current, "pidns", true },
        { TestUser.Nobody, "pidns", true },
        { TestUser.Current, "direct-child", false },
        { TestUser.Nobody, "direct-child", true },
        { TestUser.Current, "cgroup", false },
    };

    /// <summary>
    /// The network tier (block and proxy) is cloned straight into its namespaces: no relay between nono and the namespace's
    /// first process. With the PID namespace nono's only child is the namespace's init (pid 1 there) and the command is its
    /// only child (pid 2); with direct-child the command itself is nono's child; with cgroup the cgroup relay is, and the
    /// command is its child. Each time the command is in a network namespace other than the host's, and the tree dies when
    /// nono is killed (the parent-death links hold without the relay).
    /// </summary>
    [Theory]
    [MemberData(nameof(NetnsChains))]
    public async Task Run_NetworkNamespace_NoRelayBetweenNonoAndTheNamespace_TreeDiesWithNono(TestUser user, string containment, bool proxy)
    {
        Assert.SkipUnless(containment != "cgroup" || ProcessRunner.IsRoot, "the cgroup tier needs a writable cgroup (root)");
        using NonoSandbox sb = new(user);
        sb.Environment["NONO_CONTAINMENT"] = containment;
        sb.Environment["NONO_NETWORK_TIER"] = "netns";
        string marker = $"nono-netns-{Guid.NewGuid():N}";
        string[] network = proxy ? ["--allow-domain", "example.test"] : ["--block-net"];
        using Process nono = sb.Start(["run", .. SandboxSystemPaths.CliFlags, .. network, "--", NonoSandbox.Python, "-c", ReportAndPause, marker]);
        string? ready = await nono.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken);
        if (ready is null)
        {
            Assert.Fail($"no ready line; stderr: {await nono.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken)}");
        }

        try
        {
            int first = Assert.Single(ChildrenOf(nono.Id));
            int command = containment == "direct-child" ? first : Assert.Single(ChildrenOf(first));
            Assert.Contains(marker, File.ReadAllText($"/proc/{command}/cmdline"), StringComparison.Ordinal);
            AssertDifferentNetworkNamespaces(Environment.ProcessId, command);
            AssertUnprivileged(command, seccomp: true);
            string[] seen = ready.Split(' ');
            if (containment == "pidns")
            {
                Assert.Equal(["ready", "2", "1"], seen);
                Assert.Equal([first, 1], NamespacePids(first));
                Assert.Equal([command, 2], NamespacePids(command));
                AssertUnprivileged(first, seccomp: false); // the init drops every capability too; it needs no filter (it only waits and kills)
            }
            else
            {
                Assert.Equal(["ready", command.ToString(), (containment == "direct-child" ? nono.Id : first).ToString()], seen);
            }
        }
        finally
        {
            Signal(nono.Id, 9);
            await nono.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        Assert.Empty(await SurvivorsAsync(marker, expectNone: true));
    }

    /// <summary>
    /// Where the kernel refuses a new network namespace (here: user.max_net_namespaces = 0 in a user namespace made for the
    /// test; elsewhere a seccomp profile or user namespaces turned off), the probe's refused clone is "not available": block
    /// mode falls back to the seccomp tier and runs, proxy mode without the opt-in is refused as before, and a forced
    /// <c>netns</c> is refused with the clone's reason and remedy, never a fork error.
    /// </summary>
    [Theory]
    [MemberData(nameof(BothUsers))]
    public async Task Run_NetworkNamespaceRefusedByTheKernel_BlockFallsBackProxyAndForcedSayWhy(TestUser user)
    {
        using NonoSandbox sb = new(user);
        string[] noNetNamespaces = ["--user", "--map-root-user", "sh", "-c", "echo 0 > /proc/sys/user/max_net_namespaces && exec \"$0\" \"$@\"", NonoExecutable.Path];
        CancellationToken ct = TestContext.Current.CancellationToken;
        Task<ProcessResult> Run(params string[] args) =>
            ProcessRunner.RunAsync("unshare", [.. noNetNamespaces, .. args], user, sb.Environment, sb.Home.Path, cancellationToken: ct);

        ProcessResult blocked = await Run(["run", .. SandboxSystemPaths.CliFlags, "--block-net", "--", "/bin/echo", "hi"]);
        ProcessResult dry = await Run(["run", "--dry-run", "--block-net", "--", "/bin/true"]);
        ProcessResult proxied = await Run(["run", .. SandboxSystemPaths.CliFlags, "--allow-domain", "example.test", "--", "/bin/true"]);
        sb.Environment["NONO_NETWORK_TIER"] = "netns";
        ProcessResult forced = await Run(["run", .. SandboxSystemPaths.CliFlags, "--block-net", "--", "/bin/true"]);

        Assert.True(blocked.ExitCode == 0, blocked.StandardError);
        Assert.Equal("hi", blocked.StandardOutput.Trim());
        Assert.Contains("network tier: seccomp-block", dry.StandardOutput);
        Assert.Equal(1, proxied.ExitCode);
        Assert.Contains("clone(CLONE_NEWUSER|CLONE_NEWNET|CLONE_NEWIPC) failed", proxied.StandardError);
        Assert.Contains("refusing to run (opt in with --allow-weaker proxy-without-netns)", proxied.StandardError);
        Assert.Equal(1, forced.ExitCode);
        Assert.Contains("NONO_NETWORK_TIER=netns, but user namespaces unusable: clone(CLONE_NEWUSER|CLONE_NEWNET|CLONE_NEWIPC) failed", forced.StandardError);
        Assert.Contains("(errno 28)", forced.StandardError); // ENOSPC: the namespace limit
        Assert.Contains("raise user.max_user_namespaces, user.max_net_namespaces and user.max_ipc_namespaces", forced.StandardError);
        Assert.DoesNotContain("fork failed", blocked.StandardError + proxied.StandardError + forced.StandardError);
    }

    /// <summary>Both processes' /proc/PID/ns/net links are network namespaces, and not the same one.</summary>
    private static void AssertDifferentNetworkNamespaces(int one, int other)
    {
        string? a = new FileInfo($"/proc/{one}/ns/net").LinkTarget;
        string? b = new FileInfo($"/proc/{other}/ns/net").LinkTarget;
        Assert.StartsWith("net:[", a);
        Assert.StartsWith("net:[", b);
        Assert.NotEqual(a, b);
    }

    /// <summary>
    /// <paramref name="pid"/> holds no capability in any set (effective, permitted, bounding, ambient: nothing to regain at
    /// exec either), has no_new_privs, and, when <paramref name="seccomp"/>, runs under a seccomp filter (mode 2).
    /// </summary>
    private static void AssertUnprivileged(int pid, bool seccomp)
    {
        Dictionary<string, string> status = File.ReadAllLines($"/proc/{pid}/status")
            .Select(line => line.Split(':', 2))
            .Where(kv => kv.Length == 2)
            .ToDictionary(kv => kv[0], kv => kv[1].Trim(), StringComparer.Ordinal);
        foreach (string set in (string[])["CapEff", "CapPrm", "CapBnd", "CapAmb"])
        {
            Assert.True(status[set] == "0000000000000000", $"pid {pid} {set}: {status[set]}");
        }

        Assert.Equal("1", status["NoNewPrivs"]);
        if (seccomp)
        {
            Assert.Equal("2", status["Seccomp"]);
        }
    }
}
