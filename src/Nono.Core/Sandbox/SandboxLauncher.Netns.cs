using System.Net.Sockets;
using System.Text;
using Nono.Core.Diagnostics;
using Nono.Core.Sandbox.Interop;

namespace Nono.Core.Sandbox;

public static partial class SandboxLauncher
{
    /// <summary>
    /// Tries, in a cloned child, exactly what the <see cref="NetworkTier.IsolatedNamespace"/> tier does up to bringing
    /// <c>lo</c> up (clone into new user + net namespaces, setgroups, id maps, SIOCSIFFLAGS) and reports whether it works
    /// and, if not, why and what would fix it. A clone the kernel refuses is such an answer. The calling process is not changed.
    /// </summary>
    public static NetworkNamespaceSupport ProbeNetworkNamespace()
    {
        ForkSafety.ThrowIfUnsafe();
        _ = s_prepared.Value;
        using NativeLaunchState state = NativeLaunchState.ForNetnsProbe();
        return ProbeNetworkNamespaceOn(state);
    }

    /// <summary>The probe on a prepared <see cref="NativeLaunchState.ForNetnsProbe"/> state (tests adjust it first).</summary>
    internal static NetworkNamespaceSupport ProbeNetworkNamespaceOn(NativeLaunchState state)
    {
        long? failure = RunProbe(state, "network namespace", out string? problem);
        return failure is null ? NetworkNamespaceSupport.Unavailable(problem ?? "the network namespace probe failed")
            : failure == 0 ? NetworkNamespaceSupport.Works
            : Diagnose((ChildStage)(int)failure, (int)(failure >> 32));
    }

    /// <summary>The user-facing diagnosis of a failed namespace step.</summary>
    internal static NetworkNamespaceSupport Diagnose(ChildStage stage, int errno)
    {
        string? apparmor = null;
        try
        {
            apparmor = File.ReadAllText(NetworkNamespaceSupport.AppArmorSysctl).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // absent: not an AppArmor-restricted kernel
        }

        bool afterUnshare = stage is not (ChildStage.NetnsUnshare or ChildStage.NetnsPidnsClone); // every other step runs in the new namespace
        return NetworkNamespaceSupport.FromFailure(StageName(stage), errno, afterUnshare, apparmor, Environment.ProcessPath ?? "nono");
    }

    /// <summary>
    /// The supervisor's half of the hand-over: receives the proxy listener the child created in its namespace, lets
    /// <paramref name="handoff"/> start the proxy on it, and sends the child the variables to add to its environment.
    /// Returns normally also when the child failed before sending (its report follows on the error pipe).
    /// </summary>
    private static void ReceiveListener(SafeFdHandle channel, Func<NamespaceSockets, IReadOnlyDictionary<string, string>> handoff, int pid, SafeFdHandle pidfd)
    {
        // Every received descriptor is owned here until the hand-over has succeeded, and closed on every failure path
        // (the handoff's owner may hold them too by then; a second dispose is harmless, and the launch has failed).
        Socket? listener = null;
        Socket? dns = null;
        Socket? dnsTcp = null;
        try
        {
            if (!Interop.Interop.WaitReadable(channel, ChildSetupTimeoutMilliseconds))
            {
                throw new NonoException(NonoErrorCode.SandboxSetupFailed, "the sandbox child did not hand over the proxy listener");
            }

            int fd = Interop.Interop.ReceiveDescriptor(channel);
            if (fd < 0)
            {
                return; // the child failed; ForkOnce reads and reports why
            }

            listener = Adopt(fd);
            int dnsFd = ReceiveDnsTrap(channel, "DNS socket", out long udpFailure);
            dns = dnsFd >= 0 ? Adopt(dnsFd) : null;
            long tcpFailure = 0;
            int tcpFd = dnsFd == -1 ? -1 : ReceiveDnsTrap(channel, "DNS TCP socket", out tcpFailure);
            if (tcpFd == -1)
            {
                listener.Dispose();
                dns?.Dispose();
                return; // the child failed after the listener; ForkOnce reports why
            }

            dnsTcp = tcpFd >= 0 ? Adopt(tcpFd) : null;
            string? unavailable = (dns, dnsTcp) switch
            {
                (not null, not null) => null,
                (null, not null) => DnsTrapFailure(udpFailure),
                (not null, null) => DnsTrapFailure(tcpFailure),
                _ => udpFailure == tcpFailure ? DnsTrapFailure(udpFailure) : $"{DnsTrapFailure(udpFailure)}; {DnsTrapFailure(tcpFailure)}",
            };
            IReadOnlyDictionary<string, string> environment = handoff(new NamespaceSockets(listener, dns, unavailable, dnsTcp));
            Interop.Interop.SendAll(channel, EnvironmentBlock(environment));
            // End of stream: the child goes on to exec. shutdown, not close: the child still holds a copy of this end
            // until its exec (CLOEXEC), so closing ours alone would never reach EOF.
            Interop.Interop.ShutdownSend(channel);
        }
        catch
        {
            listener?.Dispose();
            dns?.Dispose();
            dnsTcp?.Dispose();
            KillAndReap(pid, pidfd);
            throw;
        }
    }

    /// <summary>One trap's hand-over (<see cref="Interop.Interop.ReceiveDnsTrap"/>): a descriptor, -1 at end of stream, or -2 with the failure.</summary>
    private static int ReceiveDnsTrap(SafeFdHandle channel, string what, out long failure)
    {
        failure = 0;
        return Interop.Interop.WaitReadable(channel, ChildSetupTimeoutMilliseconds)
            ? Interop.Interop.ReceiveDnsTrap(channel, out failure)
            : throw new NonoException(NonoErrorCode.SandboxSetupFailed, $"the sandbox child did not hand over the {what}");
    }

    /// <summary>A socket that owns <paramref name="fd"/>, which is closed also when the wrapping fails.</summary>
    private static Socket Adopt(int fd)
    {
        SafeSocketHandle handle = new(fd, ownsHandle: true);
        try
        {
            return new Socket(handle);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>The proxy's variables as NAME=VALUE\0 entries, checked for what envp cannot carry.</summary>
    private static byte[] EnvironmentBlock(IReadOnlyDictionary<string, string> environment)
    {
        StringBuilder block = new();
        foreach ((string key, string value) in environment)
        {
            if (key.Length == 0 || key.Contains('=', StringComparison.Ordinal) || key.Contains('\0', StringComparison.Ordinal) || value.Contains('\0', StringComparison.Ordinal))
            {
                throw new NonoException(NonoErrorCode.SandboxSetupFailed, $"invalid variable for the sandbox environment: {key}");
            }

            block.Append(key).Append('=').Append(value).Append('\0');
        }

        return block.Length == 0
            ? throw new NonoException(NonoErrorCode.SandboxSetupFailed, "the proxy gave no environment for the sandbox")
            : Encoding.UTF8.GetBytes(block.ToString());
    }

    /// <summary>The failed step of the DNS trap and its error, from the child's (errno &lt;&lt; 32) | stage code.</summary>
    private static string DnsTrapFailure(long code)
    {
        int errno = (int)(code >> 32);
        return $"{StageName((ChildStage)(int)code)}: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
    }

    private static string? NetnsStageName(ChildStage stage) => stage switch
    {
        ChildStage.NetnsDumpable => "prctl(PR_SET_DUMPABLE)",
        ChildStage.NetnsUnshare => NetworkNamespaceSupport.CloneStep,
        ChildStage.NetnsPidnsClone => NetworkNamespaceSupport.CloneWithPidnsStep,
        ChildStage.NetnsSetgroups => "write /proc/self/setgroups",
        ChildStage.NetnsUidMap => "write /proc/self/uid_map",
        ChildStage.NetnsGidMap => "write /proc/self/gid_map",
        ChildStage.NetnsLoopbackUp => "ioctl(SIOCSIFFLAGS, lo up)",
        ChildStage.NetnsProxyListener => "bind/listen proxy listener in the namespace",
        ChildStage.NetnsHandoff => "sendmsg(SCM_RIGHTS proxy listener)",
        ChildStage.NetnsEnvironment => "receive proxy environment",
        ChildStage.NetnsDropCapabilities => "drop capabilities (bounding, ambient, capset)",
        ChildStage.NetnsLocalRoutes => "netlink RTM_NEWROUTE (local 0.0.0.0/0 dev lo)",
        ChildStage.NetnsDnsSocket => "bind the DNS socket on port 53 in the namespace",
        ChildStage.NetnsDnsHandoff => "sendmsg(SCM_RIGHTS DNS socket)",
        ChildStage.NetnsDnsTcpSocket => "bind/listen the DNS TCP socket on port 53 in the namespace",
        ChildStage.NetnsDnsTcpHandoff => "sendmsg(SCM_RIGHTS DNS TCP socket)",
        _ => null,
    };
}
