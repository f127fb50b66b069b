namespace Nono.Core.Sandbox;

/// <summary>
/// A named, explicit opt-in to less protection than the policy asks for. Without the matching opt-in the
/// planner refuses a policy it cannot fully enforce. The CLI spells these in kebab-case (<see cref="WeakerModes"/>).
/// </summary>
public enum WeakerMode
{
    /// <summary><c>no-landlock</c>: the kernel has no Landlock; run with seccomp only and an unconfined filesystem.</summary>
    NoLandlock,

    /// <summary><c>no-seccomp</c>: the kernel has no seccomp filters; no syscall or socket filtering.</summary>
    NoSeccomp,

    /// <summary><c>unrestricted-truncate</c>: Landlock ABI &lt; 3 cannot stop truncate(2) outside write grants.</summary>
    UnrestrictedTruncate,

    /// <summary>
    /// <c>unrestricted-dev-ioctl</c>: Landlock ABI &lt; 5 cannot limit ioctl(2) on device nodes reached through grants
    /// outside /dev (a grant above /dev, a device granted as a file, a device node inside a writable directory grant),
    /// which ABI 5 refuses. Devices granted under /dev get IOCTL_DEV on ABI 5 too, so they need no opt-in.
    /// </summary>
    UnrestrictedDeviceIoctl,

    /// <summary><c>unscoped-signals</c>: Landlock ABI &lt; 6 cannot stop signals to processes outside the sandbox.</summary>
    UnscopedSignals,

    /// <summary><c>unscoped-abstract-unix</c>: with UNIX sockets allowed, ABI &lt; 6 cannot stop abstract sockets reaching host services.</summary>
    UnscopedAbstractUnix,

    /// <summary><c>proxy-any-tcp-port</c>: Landlock ABI &lt; 4 cannot restrict TCP connects to the proxy port.</summary>
    ProxyAnyTcpPort,

    /// <summary>
    /// <c>proxy-without-netns</c>: no private network namespace; proxy mode falls back to a Landlock TCP port rule plus
    /// seccomp, so the proxy's port number is reachable on every address (other hosts, host loopback services). listen()
    /// on a TCP socket that does not already listen (listen's automatic bind is not checked by Landlock) is refused by the supervisor (listen guard).
    /// </summary>
    ProxyWithoutNetns,

    /// <summary>
    /// <c>root-capabilities</c>: a command running as root outside a user namespace keeps root's capabilities (all but
    /// CAP_SYS_PTRACE). By default it loses every one at exec, so it cannot read /proc/&lt;pid&gt;/environ of the root
    /// processes around it (the workflow step's shell holds every secret), chown to other users or override file modes.
    /// </summary>
    RootCapabilities,

    /// <summary>
    /// <c>unrestricted-metadata</c>: <c>nono run</c> without its metadata supervision. Landlock has no right for a file's
    /// mode, owner, timestamps or extended attributes, so the supervisor performs those calls only inside writable grants;
    /// with this opt-in (needed, for example, by a nested <c>nono run</c>, which cannot create its own seccomp listener)
    /// the command can chmod, chown, touch and setxattr any file its user owns (a capability-less root: every root-owned file).
    /// </summary>
    UnrestrictedMetadata,

    /// <summary>
    /// <c>nested-user-namespaces</c>: the command may create user namespaces (unshare or clone with CLONE_NEWUSER). In
    /// one it holds every capability: Landlock and seccomp still hold, but the kernel code reachable only with those
    /// capabilities (netfilter, mounts of its own, ...) is a large attack surface. Needed by a nested sandbox or container.
    /// </summary>
    NestedUserNamespaces,

    /// <summary>
    /// <c>shared-ipc</c>: in the cgroup and direct-child containments (no private IPC namespace) the command may use
    /// System V IPC and POSIX message queues, which Landlock does not cover: it can then reach the segments, semaphores
    /// and queues of the user's host processes by key or id.
    /// </summary>
    SharedIpc,

    /// <summary>
    /// <c>linked-denies</c>: a denied file, a <c>filesystem.deny_write</c> file or a file inside a deny_write directory has
    /// more than one hard link while a grant (for deny_write: a writable grant) is on its file system. Landlock grants by
    /// place in the tree, so the file's other name, if it lies below such a grant, is readable (and for deny_write
    /// writable); nono cannot find that name without walking every grant, and refuses to run without this opt-in.
    /// </summary>
    LinkedDenies,
}
