using System.Runtime.Versioning;
using Nono.Core.Audit.Observers;
using Nono.Core.Capabilities;
using Nono.Core.Policy;
using Nono.Core.Proxy;
using Nono.Core.Sandbox;

namespace Nono.Action.Session;

/// <summary>
/// The filesystem-denial observers of one supervised run: Landlock's audit records (root, audit enabled, ABI 7+) and the
/// seccomp observer (any user). Both only watch: Landlock enforces. Opened before the child starts, so nothing is
/// missed, and completed after it exits; <see cref="Reports"/> says which ran, which could not, and why.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class RunObservers : IDisposable
{
    /// <summary>How long to wait after the command exits for the kernel to release its Landlock domain (no record follows that).</summary>
    private static readonly TimeSpan s_releaseTimeout = TimeSpan.FromSeconds(2);

    /// <summary>When no domain of the run was seen: how long records already queued in the kernel get to arrive.</summary>
    private static readonly TimeSpan s_grace = TimeSpan.FromMilliseconds(100);

    private readonly LandlockAuditReader? _landlock;
    private readonly SeccompObserver? _seccomp;
    private readonly SeccompObserver? _networkOnly;
    private readonly List<ObserverReport> _fixed;

    private RunObservers(LandlockAuditReader? landlock, SeccompObserver? seccomp, SeccompObserver? networkOnly, List<ObserverReport> fixedReports)
    {
        _landlock = landlock;
        _seccomp = seccomp;
        _networkOnly = networkOnly;
        _fixed = fixedReports;
    }

    /// <summary>
    /// Opens the observers <paramref name="mode"/> asks for; <paramref name="seccompByDefault"/> is the auto choice for the
    /// seccomp observer. Whenever seccomp restricts the network, network calls it refuses are recorded to
    /// <paramref name="networkSink"/> in every mode (by the seccomp observer, or an observer of refusals only): that costs
    /// nothing on calls that are allowed.
    /// </summary>
    public static RunObservers Open(FsObserverMode mode, bool seccompByDefault, SandboxPlan plan, ResolvedPolicy policy, IFilesystemObservationSink sink, IProxyEventSink networkSink, bool userNotification)
    {
        List<ObserverReport> reports = [];
        // Without user notification (actions_avail) an observer could not be installed: the refusals then stay unrecorded
        // EPERMs of the enforcing filter, as before.
        bool restricted = plan.Seccomp && plan.Capabilities.Network != NetworkMode.Allow;
        IProxyEventSink? refusals = userNotification && restricted ? networkSink : null;
        if (restricted && refusals is null)
        {
            reports.Add(ObserverReport.Unavailable(ObserverMechanisms.SeccompNetworkRefusals, "no seccomp user notification here: network refusals are enforced but not recorded"));
        }

        if (mode == FsObserverMode.Off)
        {
            reports.Add(ObserverReport.Off(ObserverMechanisms.LandlockAudit, "--fs-observer off"));
            reports.Add(ObserverReport.Off(ObserverMechanisms.SeccompObserver, "--fs-observer off"));
            return new RunObservers(null, null, WithoutPaths(plan, sink, refusals), reports);
        }

        LandlockAuditReader? landlock = null;
        if (plan.Tier is SandboxTier.SeccompOnly)
        {
            reports.Add(ObserverReport.Unavailable(ObserverMechanisms.LandlockAudit, "Landlock is not in force"));
        }
        else
        {
            landlock = LandlockAuditReader.TryOpen(plan.LandlockAbi, sink, out ObserverReport? unavailable);
            if (unavailable is not null)
            {
                reports.Add(unavailable);
            }
        }

        SeccompObserver? seccomp = null;
        if (plan.Tier is SandboxTier.SeccompOnly)
        {
            // Without Landlock nothing denies filesystem access: a policy "denial" seen here would be a false record.
            reports.Add(ObserverReport.Unavailable(ObserverMechanisms.SeccompObserver, "Landlock is not in force, so no access is denied"));
        }
        else if (mode == FsObserverMode.On || seccompByDefault)
        {
            // The policy as enforced: the plan's capabilities (private TMPDIR, network grants) with the profile's deny patterns.
            ResolvedPolicy enforced = policy with { Capabilities = plan.Capabilities };
            seccomp = new SeccompObserver((path, operation) => PolicyExplainer.Why(enforced, path, operation), sink) { NetworkSink = refusals };
        }
        else
        {
            reports.Add(ObserverReport.Off(ObserverMechanisms.SeccompObserver, "enable with --fs-observer on"));
        }

        return new RunObservers(landlock, seccomp, seccomp is null ? WithoutPaths(plan, sink, refusals) : null, reports);
    }

    /// <summary>
    /// Without an audit record: only what enforcement needs, the <c>landlock-tcp</c> tier's listen guard (without it every
    /// listen(2) would be refused there, UNIX sockets included) and the metadata supervision; null when the plan needs neither.
    /// </summary>
    public static RunObservers? WithoutAudit(SandboxPlan plan, bool userNotification) =>
        plan.SupervisesMetadata ? new RunObservers(null, null, SeccompObserver.ForMetadata(null, null), [])
        : userNotification && plan.Seccomp && plan.NetworkTier == NetworkTier.LandlockTcpPort && plan.Capabilities.Network == NetworkMode.Proxy
            ? new RunObservers(null, null, SeccompObserver.ForListenGuard(), [])
            : null;

    /// <summary>
    /// After the start: why the <c>landlock-tcp</c> tier's listen guard is not answering (the enforcing filter then refuses
    /// every listen(2), UNIX sockets included, with EACCES), or null when it is or the plan needs none.
    /// </summary>
    public static string? ListenGuardMissing(SandboxPlan plan, RunObservers? observers, bool userNotification)
    {
        if (!(plan.Seccomp && plan.NetworkTier == NetworkTier.LandlockTcpPort && plan.Capabilities.Network == NetworkMode.Proxy))
        {
            return null;
        }

        SeccompObserver? observer = observers?._seccomp ?? observers?._networkOnly;
        return !userNotification ? "no seccomp user notification here"
            : observer is null ? "no seccomp observer"
            : observer.Attached ? null
            : observer.Report().Detail ?? "the seccomp listener was not handed over";
    }

    /// <summary>
    /// The observer without path observation: the metadata supervision (when the plan has it) and the recorder of refused
    /// network calls (when <paramref name="refusals"/> is set) share one listener; null when neither is wanted.
    /// </summary>
    private static SeccompObserver? WithoutPaths(SandboxPlan plan, IFilesystemObservationSink sink, IProxyEventSink? refusals) =>
        plan.SupervisesMetadata ? SeccompObserver.ForMetadata(sink, refusals)
        : refusals is null ? null
        : SeccompObserver.ForNetworkRefusals(refusals);

    /// <summary>The launch spec with the observers' parts: Landlock's post-exec logging and the seccomp observer (one listener per launch).</summary>
    public LaunchSpec Apply(LaunchSpec spec) => spec with { Observer = _seccomp ?? _networkOnly, LandlockAuditLog = _landlock is not null };

    /// <summary>Attributes Landlock records to the started child (the process that restricted itself).</summary>
    public void Track(int childPid) => _landlock?.Track(childPid);

    /// <summary>After the command exited: lets queued records arrive and stops observing.</summary>
    public void Complete()
    {
        _seccomp?.Stop();
        _networkOnly?.Stop();
        _landlock?.Complete(s_releaseTimeout, s_grace);
    }

    /// <summary>One report per mechanism, for the session record.</summary>
    public IReadOnlyList<ObserverReport> Reports() =>
        [.. _landlock is null ? [] : new[] { _landlock.Report() }, .. _seccomp is null ? [] : new[] { _seccomp.Report() },
            .. _networkOnly?.NetworkSink is null ? [] : new[] { _networkOnly.Report() },
            .. new[] { _seccomp?.MetadataReport() ?? _networkOnly?.MetadataReport() }.OfType<ObserverReport>(), .. _fixed];

    public void Dispose()
    {
        _seccomp?.Dispose();
        _networkOnly?.Dispose();
        _landlock?.Dispose();
    }
}
