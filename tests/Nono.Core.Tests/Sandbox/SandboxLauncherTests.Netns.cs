using System.Net.Sockets;
using Nono.Core.Capabilities;
using Nono.Core.Diagnostics;
using Nono.Core.Sandbox;
using Nono.Testing;

namespace Nono.Core.Tests.Sandbox;

/// <summary>The namespace tier's socket hand-over, driven through the real launcher (the fork child enters the namespace).</summary>
public sealed partial class SandboxLauncherTests
{
    /// <summary>
    /// A hand-over that throws after the child's sockets arrived (here: the proxy failing to start) must not leave them
    /// open in the supervisor: their socket inodes are gone from /proc/self/fd once the launch has failed. Inodes, not a
    /// descriptor count, because tests running in parallel open and close descriptors in this process too.
    /// </summary>
    [Fact]
    public void Start_NetnsHandoffThrows_ReceivedSocketsAreClosed()
    {
        SandboxPlan plan = NetnsProxyPlan();
        List<string> received = [];

        InvalidOperationException ex = Assert.Throws<InvalidOperationException>(() => StartNetns(plan, "/bin/true", [], sockets =>
        {
            received.Add(SocketInode(sockets.ProxyListener));
            if (sockets.DnsSocket is { } dns)
            {
                received.Add(SocketInode(dns));
            }

            if (sockets.DnsTcpListener is { } dnsTcp)
            {
                received.Add(SocketInode(dnsTcp));
            }

            throw new InvalidOperationException("proxy failed to start (test)");
        }));

        Assert.Equal("proxy failed to start (test)", ex.Message);
        Assert.NotEmpty(received);
        Assert.All(received, inode => Assert.StartsWith("socket:[", inode, StringComparison.Ordinal));
        HashSet<string> open = OpenSocketInodes();
        Assert.All(received, inode => Assert.DoesNotContain(inode, open));
    }

    /// <summary>The legitimate path: the sockets stay open for their new owner, and the child sees its variables and reaches the listener.</summary>
    [Fact]
    public async Task Start_NetnsHandoffSucceeds_CallerOwnsOpenSocketsAndChildReachesTheListener()
    {
        SandboxPlan plan = NetnsProxyPlan();
        NamespaceSockets? handed = null;
        const string Script = """
            import os, socket
            socket.create_connection(("127.0.0.1", int(os.environ["T_PORT"])), timeout=10).close()
            print("connected", os.environ["T_MARK"])
            """;
        using TempDirectory output = new("nono-out-");
        string stdoutPath = output.Combine("stdout");
        ChildExit exit;
        using (Microsoft.Win32.SafeHandles.SafeFileHandle stdout = File.OpenHandle(stdoutPath, FileMode.Create, FileAccess.Write))
        {
            using SandboxedProcess process = StartNetns(plan, SandboxRun.Python, ["-c", Script], sockets =>
            {
                handed = sockets;
                return new Dictionary<string, string> { ["T_MARK"] = "handed-over", ["T_PORT"] = plan.Capabilities.ProxyPort!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            }, stdout);
            exit = await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        Assert.NotNull(handed);
        using Socket listener = handed.ProxyListener;
        using Socket? dns = handed.DnsSocket;
        using Socket? dnsTcp = handed.DnsTcpListener;
        Assert.Equal(0, exit.ShellExitCode);
        Assert.Contains("connected handed-over", await File.ReadAllTextAsync(stdoutPath, TestContext.Current.CancellationToken));
        Assert.Contains(SocketInode(listener), OpenSocketInodes()); // still open: the caller owns it now
        Assert.True(listener.Poll(0, SelectMode.SelectRead)); // the child's connection waits in its backlog
    }

    /// <summary>
    /// The trap's fault knob, passed in through the launch spec: the kernel refuses the step, the launch goes on without
    /// that socket and says why (the route failure once, though both traps need the route), and the proxy listener
    /// still arrives. Without a fault both trap sockets arrive.
    /// </summary>
    [Theory]
    [InlineData(DnsTrapFault.None, null)]
    [InlineData(DnsTrapFault.Route, "netlink RTM_NEWROUTE (local 0.0.0.0/0 dev lo): ")]
    [InlineData(DnsTrapFault.Bind, "bind the DNS socket on port 53 in the namespace: ")]
    public async Task Start_NetnsDnsTrapFault_SocketsMissingAndReasonGiven_ListenerStillHandedOver(DnsTrapFault fault, string? reason)
    {
        SandboxPlan plan = NetnsProxyPlan();
        NamespaceSockets? handed = null;

        using (SandboxedProcess process = StartNetns(plan, "/bin/true", [], sockets =>
        {
            handed = sockets;
            return new Dictionary<string, string> { ["T_MARK"] = "1" };
        }, dnsTrapFault: fault))
        {
            Assert.Equal(0, (await process.WaitForExitAsync(TestContext.Current.CancellationToken)).ShellExitCode);
        }

        Assert.NotNull(handed);
        using Socket listener = handed.ProxyListener;
        using Socket? udp = handed.DnsSocket;
        using Socket? tcp = handed.DnsTcpListener;
        Assert.Equal(fault == DnsTrapFault.None, udp is not null);
        Assert.Equal(fault == DnsTrapFault.None, tcp is not null);
        if (reason is null)
        {
            Assert.Null(handed.DnsTrapUnavailable);
            return;
        }

        Assert.StartsWith(reason, handed.DnsTrapUnavailable, StringComparison.Ordinal);
        Assert.Equal(fault == DnsTrapFault.Bind, handed.DnsTrapUnavailable!.Contains("; bind/listen the DNS TCP socket on port 53 in the namespace: ", StringComparison.Ordinal));
    }

    /// <summary>
    /// The network namespace probe clones its child straight into the new user + network namespace; a clone the kernel
    /// refuses (here EINVAL: CLONE_FS with CLONE_NEWUSER; elsewhere EPERM under a seccomp profile or ENOSPC at a namespace
    /// limit) is a "not available" answer naming the clone and its errno, not an exception, so the planner falls back as it
    /// did for a refused unshare. The same probe unaltered works here.
    /// </summary>
    [Fact]
    public unsafe void NetnsProbe_CloneRefusedByTheKernel_IsNotAvailableWithAReasonNotAnException()
    {
        const int CLONE_FS = 0x200, CLONE_NEWUSER = 0x10000000, CLONE_NEWNET = 0x40000000, EINVAL = 22;
        using NativeLaunchState works = NativeLaunchState.ForNetnsProbe();
        Assert.True((works.Context->Flags & ChildContext.FlagNetnsDirect) != 0, "the network namespace is made by the clone");
        Assert.Equal(CLONE_NEWUSER | CLONE_NEWNET, works.Context->CloneFlags & (CLONE_NEWUSER | CLONE_NEWNET));
        NetworkNamespaceSupport expected = SandboxLauncher.ProbeNetworkNamespaceOn(works);
        Assert.SkipUnless(expected.Available, $"no private network namespace here: {expected}");

        using NativeLaunchState refused = NativeLaunchState.ForNetnsProbe();
        refused.Context->CloneFlags |= CLONE_FS;
        Assert.Equal(((long)EINVAL << 32) | (uint)ChildStage.NetnsUnshare, SandboxLauncher.RunProbe(refused, "network namespace", out string? problem));
        Assert.Null(problem);
        NetworkNamespaceSupport ns = SandboxLauncher.ProbeNetworkNamespaceOn(refused);
        Assert.False(ns.Available);
        Assert.Contains("clone(CLONE_NEWUSER|CLONE_NEWNET|CLONE_NEWIPC) failed", ns.Reason, StringComparison.Ordinal);
        Assert.Contains("errno 22", ns.Reason, StringComparison.Ordinal);

        // With the PID-namespace tier's flags in the same clone, the step names them (any of the four may be the refused one).
        const int CLONE_NEWNS = 0x20000, CLONE_NEWPID = 0x20000000;
        using NativeLaunchState withPidns = NativeLaunchState.ForNetnsProbe();
        withPidns.Context->Flags |= ChildContext.FlagPidnsDirect;
        withPidns.Context->CloneFlags |= CLONE_FS | CLONE_NEWPID | CLONE_NEWNS;
        Assert.Equal(((long)EINVAL << 32) | (uint)ChildStage.NetnsPidnsClone, SandboxLauncher.RunProbe(withPidns, "network namespace", out problem));
        Assert.Contains("clone(CLONE_NEWUSER|CLONE_NEWNET|CLONE_NEWIPC|CLONE_NEWPID|CLONE_NEWNS) failed", SandboxLauncher.ProbeNetworkNamespaceOn(withPidns).Reason, StringComparison.Ordinal);
    }

    /// <summary>
    /// A clone that fails for a reason other than the namespaces (EAGAIN at RLIMIT_NPROC or pids.max, ENOMEM; here ENOSYS
    /// from a syscall number no kernel has, the one failure that can be made on demand) is a setup failure with the errno
    /// saved at the clone, never a "namespace not available" answer that would let --block-net fall back to seccomp.
    /// </summary>
    [Fact]
    public unsafe void NetnsProbe_CloneFailingForAnotherReason_IsASetupFailureNotUnavailable()
    {
        const int ENOSYS = 38;
        using NativeLaunchState failing = NativeLaunchState.ForNetnsProbe();
        failing.Context->SysClone = 100_000;

        NonoException ex = Assert.Throws<NonoException>(() => SandboxLauncher.ProbeNetworkNamespaceOn(failing));

        Assert.Equal(NonoErrorCode.SandboxSetupFailed, ex.Code);
        Assert.Equal($"fork failed: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(ENOSYS)} (errno {ENOSYS})", ex.Message);
        Assert.Equal(ENOSYS, failing.Context->ForkErrno);
        Assert.True(SandboxLauncher.IsNamespaceRefusal(1) && SandboxLauncher.IsNamespaceRefusal(13) && SandboxLauncher.IsNamespaceRefusal(28)
            && SandboxLauncher.IsNamespaceRefusal(22) && SandboxLauncher.IsNamespaceRefusal(87), "EPERM, EACCES, ENOSPC, EINVAL, EUSERS");
        Assert.False(SandboxLauncher.IsNamespaceRefusal(11) || SandboxLauncher.IsNamespaceRefusal(12) || SandboxLauncher.IsNamespaceRefusal(ENOSYS),
            "EAGAIN, ENOMEM and ENOSYS are no answer about the namespaces");
    }

    private static SandboxPlan NetnsProxyPlan()
    {
        NetworkNamespaceSupport ns = SandboxLauncher.ProbeNetworkNamespace();
        Assert.SkipUnless(ns.Available, $"no private network namespace here: {ns}");
        Assert.SkipUnless(SandboxSupport.Probe().LandlockAbi >= 4, "Landlock TCP port rules need ABI 4");
        CapabilitySet caps = SandboxRun.With() with { Network = NetworkMode.Proxy, ProxyPort = Random.Shared.Next(20_000, 60_000) };
        PlanResult result = SandboxPlanner.Plan(caps, new EnforcementOptions
        {
            Support = SandboxSupport.Probe(),
            AllowedWeakerModes = new HashSet<WeakerMode>([WeakerMode.UnscopedSignals, WeakerMode.UnrestrictedTruncate]),
            NetworkNamespace = ns,
        });
        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        Assert.Equal(NetworkTier.IsolatedNamespace, result.Plan!.NetworkTier);
        return result.Plan;
    }

    private static SandboxedProcess StartNetns(SandboxPlan plan, string command, string[] arguments, Func<NamespaceSockets, IReadOnlyDictionary<string, string>> handoff, Microsoft.Win32.SafeHandles.SafeFileHandle? stdout = null, DnsTrapFault dnsTrapFault = DnsTrapFault.None) =>
        SandboxLauncher.Start(plan, new LaunchSpec
        {
            Command = command,
            Arguments = arguments,
            Environment = new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin", ["LC_ALL"] = "C" },
            WorkingDirectory = "/",
            StandardOutput = stdout,
            DnsTrapFault = dnsTrapFault,
        }, handoff);

    private static string SocketInode(Socket socket) => new FileInfo($"/proc/self/fd/{socket.Handle}").LinkTarget ?? "";

    private static HashSet<string> OpenSocketInodes()
    {
        HashSet<string> inodes = new(StringComparer.Ordinal);
        foreach (string fd in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget is string target && target.StartsWith("socket:[", StringComparison.Ordinal))
                {
                    inodes.Add(target);
                }
            }
            catch (IOException)
            {
                // closed while listing (another test)
            }
        }

        return inodes;
    }
}
