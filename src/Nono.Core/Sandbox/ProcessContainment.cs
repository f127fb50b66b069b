namespace Nono.Core.Sandbox;

/// <summary>
/// What keeps the sandboxed process tree from outliving nono (recorded in the plan and the audit record). Each tier
/// confines the command the same way (Landlock, seccomp, no_new_privs); they differ in what dies with nono.
/// </summary>
public enum ProcessContainment
{
    /// <summary>
    /// Only the direct child: it has PR_SET_PDEATHSIG=SIGKILL, so it dies with nono, but a grandchild that
    /// daemonizes survives. The fallback where neither namespaces nor a writable cgroup are available.
    /// </summary>
    DirectChild,

    /// <summary>
    /// A cgroup v2 leaf created for the run: every descendant stays in it, and <c>cgroup.kill</c> ends them all when the
    /// command exits or nono dies (a relay process outside the leaf does it even after nono is SIGKILLed).
    /// </summary>
    Cgroup,

    /// <summary>
    /// Preferred: a private PID namespace (and mount namespace with its own <c>/proc</c>) whose pid 1 is a minimal
    /// init forked from nono. It dies with nono, and when pid 1 exits the kernel kills everything in the namespace.
    /// The sandbox sees only its own processes.
    /// </summary>
    PidNamespace,
}
