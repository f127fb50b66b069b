using System.Runtime.InteropServices;
using Nono.Core.Sandbox.Interop;
using static Nono.Core.Sandbox.Interop.Interop.Seccomp;

namespace Nono.Core.Sandbox;

/// <summary>
/// Everything prepared in the parent before the fork: the ruleset fd, the BPF program, argv/envp, the
/// resolved executable and the error pipe, all in unmanaged memory reachable from one <see cref="ChildContext"/>.
/// </summary>
// SAFETY: every pointer stored in the context points into _memory, which is freed only in Dispose, after the
// fork attempts are over; raw fds are kept open by DangerousAddRef until Dispose.
internal sealed unsafe partial class NativeLaunchState : IDisposable
{
    private readonly NativeStrings _memory = new();
    private readonly SafeFdHandle? _ruleset;
    private readonly List<SafeHandle> _addRefs = [];

    public NativeLaunchState(SandboxPlan plan, LaunchSpec spec, string executable, bool supervised)
    {
        try
        {
            Context = (ChildContext*)_memory.Allocate((nuint)sizeof(ChildContext));
            LibcFunctions.Fill(Context);
            Dictionary<string, FileIdentity> granted = new(StringComparer.Ordinal);
            _ruleset = LandlockRulesetBuilder.Build(plan, granted);

            ChildContext* c = Context;
            c->Flags = (supervised ? ChildContext.FlagSupervised : 0)
                | (_ruleset is not null ? ChildContext.FlagLandlock : 0)
                | (plan.Seccomp ? ChildContext.FlagSeccomp : 0);
            c->ParentPid = Environment.ProcessId;
            c->ErrorPipe = -1; // set per attempt by the supervisor
            c->RulesetFd = _ruleset is null ? -1 : Keep(_ruleset);
            c->StdinFd = spec.StandardInput is null ? -1 : Keep(spec.StandardInput);
            c->StdoutFd = spec.StandardOutput is null ? -1 : Keep(spec.StandardOutput);
            c->StderrFd = spec.StandardError is null ? -1 : Keep(spec.StandardError);
            c->WorkingDirectory = _memory.String(spec.WorkingDirectory);
            c->ExecutablePath = _memory.String(executable);
            c->Argv = _memory.Array([spec.Command, .. spec.Arguments]);
            string[] environment = new string[spec.Environment.Count];
            int filled = 0;
            foreach (KeyValuePair<string, string> variable in spec.Environment)
            {
                environment[filled++] = $"{variable.Key}={variable.Value}";
            }

            c->Envp = _memory.Array(environment);
            c->EmptySignalSet = _memory.Allocate(128); // sizeof(sigset_t) in glibc; zeroed = empty set
            RecordedNetwork? recorded = RecordedNetworkFor(plan, spec);
            if (plan.Seccomp)
            {
                c->SeccompProgram = EnforcingProgram(plan, deferRefusals: recorded is not null, LandlockAuditRecords(plan, spec));
            }

            if (plan.SupervisesMetadata && spec.Observer is null)
            {
                throw new InvalidOperationException("the plan supervises metadata calls, but the launch has no seccomp observer to answer them");
            }

            PrepareObserver(plan, spec, recorded);
            if (recorded is not null && (c->Flags & ChildContext.FlagObserver) == 0)
            {
                throw new InvalidOperationException("refusals deferred to an observer that is not installed");
            }

            if (OperatingSystem.IsLinux() && recorded is not null && spec.Observer is { ObservesPaths: false } && !plan.SupervisesMetadata)
            {
                // Recording refusals only was not asked for: where no listener can be made, the run goes on without it.
                c->SeccompProgramUndeferred = EnforcingProgram(plan, deferRefusals: false, LandlockAuditRecords(plan, spec));
                c->Flags |= ChildContext.FlagObserverOptional;
            }
            if (plan.NetworkTier == NetworkTier.IsolatedNamespace)
            {
                PrepareNetns(plan.Capabilities.Network == Capabilities.NetworkMode.Proxy ? plan.Capabilities.ProxyPort : null, environment, spec.DnsTrapFault);
            }

            PrepareContainment(supervised ? plan.Containment : ProcessContainment.DirectChild, plan.PathRules, plan.HostMounts, supervised && plan.OwnSession, _ruleset is null ? null : granted);
            if (Interop.Interop.GetUid() == 0 && (c->Flags & ChildContext.FlagNetns) == 0 && !plan.WeakerModes.Contains(WeakerMode.RootCapabilities))
            {
                // Root's capabilities outlive no_new_privs and Landlock: with them the command reads /proc/<pid>/environ
                // of every root process whose capabilities are a subset of its own (the step's shell, with its secrets).
                PrepareUserNamespace(); // the capability buffers ChildNetns.DropCapabilities uses
                c->Flags |= ChildContext.FlagDropAllCapabilities;
            }

            spec.BeforeStart?.Invoke();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public ChildContext* Context { get; }

    /// <summary>Netns proxy tier: starts the proxy on the listener the child hands over; returns the child's extra variables.</summary>
    public Func<NamespaceSockets, IReadOnlyDictionary<string, string>>? ProxyHandoff { get; init; }

    public void Dispose()
    {
        foreach (SafeHandle handle in _addRefs)
        {
            handle.DangerousRelease();
        }

        _addRefs.Clear();
        DisposeContainment();
        _ruleset?.Dispose();
        _memory.Dispose();
    }

    private sock_fprog* EnforcingProgram(SandboxPlan plan, bool deferRefusals, bool refuseNestedLandlock)
    {
        sock_filter[] program = SeccompFilterBuilder.Build(
            Interop.Interop.SyscallNumbers.Current, plan.Capabilities.Network, plan.Capabilities.AllowUnixSockets,
            NamespaceDatagrams(plan), deferRefusals, ListenGuarded(plan), refuseIoctlOnlyOpens: true, refuseNestedLandlock, plan.SupervisesMetadata,
            plan.RefusesUserNamespaces, plan.RefusesSharedIpc);
        sock_filter* filter = (sock_filter*)_memory.Allocate((nuint)(sizeof(sock_filter) * program.Length));
        program.AsSpan().CopyTo(new Span<sock_filter>(filter, program.Length));
        sock_fprog* fprog = (sock_fprog*)_memory.Allocate((nuint)sizeof(sock_fprog));
        fprog->len = checked((ushort)program.Length);
        fprog->filter = filter;
        return fprog;
    }

    private int Keep(SafeHandle handle)
    {
        // The raw fd is copied into unmanaged memory; keep the handle from closing until the fork is done.
        bool added = false;
        handle.DangerousAddRef(ref added);
        _addRefs.Add(handle);
        return (int)handle.DangerousGetHandle();
    }
}
