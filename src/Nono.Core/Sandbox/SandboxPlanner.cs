using Nono.Core.Capabilities;

namespace Nono.Core.Sandbox;

/// <summary>
/// Turns a resolved <see cref="CapabilitySet"/> into the exact kernel configuration for the probed support,
/// or into the complete list of reasons it cannot be enforced.
/// </summary>
public static partial class SandboxPlanner
{
    /// <summary>The DNS port: the namespace tier's TCP trap listens on it (see <see cref="NamespaceSockets.DnsTcpListener"/>).</summary>
    private const int DnsPort = 53;

    /// <summary>Plans enforcement of <paramref name="capabilities"/>. Never throws for a bad policy: problems are returned.</summary>
    public static PlanResult Plan(CapabilitySet capabilities, EnforcementOptions options)
    {
        ArgumentNullException.ThrowIfNull(capabilities);
        ArgumentNullException.ThrowIfNull(options);

        SandboxSupport support = options.Support;
        int abi = support.LandlockAbi;
        List<string> problems = [];
        List<string> notes = [];
        List<WeakerMode> weaker = [];
        List<string> scopedBy = [];

        void Require(bool enforceable, WeakerMode mode, string what)
        {
            if (enforceable)
            {
                return;
            }

            if (options.AllowedWeakerModes.Contains(mode))
            {
                weaker.Add(mode);
            }
            else
            {
                problems.Add($"{what}; refusing to run (opt in with --allow-weaker {WeakerModes.Name(mode)})");
            }
        }

        ValidateCapabilities(capabilities, problems);

        if (!support.ArchitectureSupported)
        {
            problems.Add($"architecture {support.Architecture} is not supported (x64 and arm64 only)");
        }

        Require(abi >= 1, WeakerMode.NoLandlock, "Landlock is not available, the filesystem cannot be confined");
        Require(support.SeccompFilter, WeakerMode.NoSeccomp, "seccomp filters are not available, syscalls and sockets cannot be filtered");
        NetworkTier networkTier = ChooseNetworkTier(capabilities.Network, options.NetworkNamespace);
        bool ownSession = options.Containment == ProcessContainment.PidNamespace && !options.TerminalAttached;
        if (abi >= 1)
        {
            Require(abi >= 3, WeakerMode.UnrestrictedTruncate, $"Landlock ABI {abi} cannot restrict truncate(2) (needs ABI 3)");
            string? exposedDevices = abi < 5 ? DeviceIoctlExposure(capabilities.Grants, nodevOutsideDev: options.Containment == ProcessContainment.PidNamespace) : null;
            Require(exposedDevices is null, WeakerMode.UnrestrictedDeviceIoctl, $"Landlock ABI {abi} cannot restrict ioctl on {exposedDevices} (needs ABI 5)");
            if (exposedDevices is not null && weaker.Contains(WeakerMode.UnrestrictedDeviceIoctl))
            {
                notes.Add($"unrestricted-dev-ioctl: ioctl on {exposedDevices} is not restricted (Landlock ABI {abi} has no IOCTL_DEV)");
            }
            // A private PID namespace is a signal scope of its own only with a session of its own: kill, tgkill, pidfd_open
            // and F_SETOWN resolve pids in the caller's namespace, but kill(0) and terminal signals go by process group and
            // session, which the namespace does not split. The init calls setsid (OwnSession), which detaches the terminal:
            // with one on stdin/stdout/stderr the command keeps nono's session and the opt-in is needed (interactive runs).
            bool pidnsScopesSignals = abi < 6 && ownSession;
            Require(abi >= 6 || pidnsScopesSignals, WeakerMode.UnscopedSignals, options.TerminalAttached && options.Containment == ProcessContainment.PidNamespace
                ? $"Landlock ABI {abi} cannot stop signals to processes outside the sandbox (needs ABI 6; the pidns containment scopes them only without a terminal on stdin, stdout or stderr, which would have to be detached)"
                : $"Landlock ABI {abi} cannot stop signals to processes outside the sandbox (needs ABI 6, or the pidns containment)");
            if (pidnsScopesSignals)
            {
                scopedBy.Add($"signals scoped by the PID namespace and a session of its own (Landlock ABI {abi} has no signal scoping)");
            }

            // Abstract UNIX sockets live in the network namespace: in the netns tier no host service's is reachable.
            bool netnsScopesAbstract = abi < 6 && capabilities.AllowUnixSockets && networkTier == NetworkTier.IsolatedNamespace;
            Require(abi >= 6 || !capabilities.AllowUnixSockets || netnsScopesAbstract, WeakerMode.UnscopedAbstractUnix, $"Landlock ABI {abi} cannot stop abstract UNIX sockets reaching host services (needs ABI 6, or the netns network tier)");
            if (netnsScopesAbstract)
            {
                scopedBy.Add($"abstract UNIX sockets scoped by the network namespace (Landlock ABI {abi} has no abstract-socket scoping)");
            }
        }

        if (networkTier == NetworkTier.LandlockTcpPort)
        {
            NetworkNamespaceSupport ns = options.NetworkNamespace ?? NetworkNamespaceSupport.Unavailable("no network namespace was probed");
            Require(false, WeakerMode.ProxyWithoutNetns, $"proxy mode needs a private network namespace, and {ns}");
            Require(abi >= 4, WeakerMode.ProxyAnyTcpPort, $"Landlock ABI {abi} cannot limit TCP connects to the proxy port (needs ABI 4)");
        }

        if (options.RunsAsRoot && networkTier != NetworkTier.IsolatedNamespace && options.AllowedWeakerModes.Contains(WeakerMode.RootCapabilities))
        {
            weaker.Add(WeakerMode.RootCapabilities); // only on request: the default (every capability dropped) is stronger
        }

        (bool supervisesMetadata, string? metadataNotConfined) = PlanMetadata(options, abi, Require, weaker);
        (bool refusesUserNamespaces, bool refusesSharedIpc) = PlanIsolation(options, networkTier, weaker);
        CarveBook book = new();
        List<string> carvedDenies = [];
        // One read of the mount table per run: the denies' aliases here, the pidns containment's mounts at launch.
        IReadOnlyList<HostMount> mounts = OperatingSystem.IsLinux() ? HostMount.ReadSelf() : [];
        List<FsGrant> grants = ApplyDenies(capabilities, DenyAliases.With([.. capabilities.Denies, .. RootOnlyDenies(capabilities, options, notes)], mounts), book, carvedDenies, notes, problems);
        HashSet<Interop.FileIdentity> carvedIdentities = [];
        Dictionary<string, Interop.FileIdentity> carvedRoots = new(StringComparer.Ordinal);
        List<string> withheld = [];
        try
        {
            DeniedIdentities.Collect(carvedDenies, carvedIdentities);
            if (OperatingSystem.IsLinux())
            {
                DeniedLinks.RecordRoots(carvedDenies, carvedRoots);
                WithholdLinkedSiblings(grants, book, carvedDenies, carvedRoots, carvedIdentities, withheld);
            }
        }
        catch (Diagnostics.NonoException ex)
        {
            problems.Add($"cannot identify a carved deny: {ex.Message}");
        }

        if (OperatingSystem.IsLinux())
        {
            RefuseLinkedDenies(capabilities.Denies, grants, book, mounts, Require, options, notes);
        }

        grants = ScopeDevPts(grants, options, book, notes, scopedBy, problems);
        LandlockFs handled = LandlockRights.FsRights(abi);
        List<LandlockPathRule> rules = PathRules(grants, book, handled, problems);

        if (abi is >= 1 and < 2)
        {
            notes.Add("Landlock ABI 1 has no REFER: every rename or link across directories fails with EXDEV");
        }

        ulong handledNet = 0;
        List<int> ports = [];
        List<int> bindPorts = [];
        if (abi >= 4 && capabilities.Network != NetworkMode.Allow)
        {
            handledNet = LandlockRights.NetRights(abi);
            if (capabilities.Network == NetworkMode.Proxy && capabilities.ProxyPort is int port)
            {
                ports.Add(port);
                if (networkTier == NetworkTier.IsolatedNamespace)
                {
                    // The DNS trap's TCP listener: every address in the namespace is local to its lo, so port 53
                    // reaches only the trap (never the host, unlike the fallback tier, where it stays denied). Resolvers
                    // such as dig bind an ephemeral port before they connect; a socket bound in the namespace is
                    // reachable only from inside it, where connects go to these two ports alone.
                    if (port != DnsPort)
                    {
                        ports.Add(DnsPort);
                    }

                    bindPorts.Add(0);
                }
            }
        }

        if (problems.Count > 0)
        {
            return new PlanResult { Problems = problems };
        }

        return new PlanResult
        {
            Plan = new SandboxPlan
            {
                Capabilities = capabilities,
                Tier = support.Tier,
                LandlockAbi = abi,
                WeakerModes = weaker,
                Seccomp = support.SeccompFilter,
                DropsRootCapabilities = options.RunsAsRoot && networkTier != NetworkTier.IsolatedNamespace && !weaker.Contains(WeakerMode.RootCapabilities),
                NetworkTier = networkTier,
                Containment = options.Containment,
                OwnSession = ownSession,
                SupervisesMetadata = supervisesMetadata,
                MetadataNotConfined = metadataNotConfined,
                RefusesUserNamespaces = refusesUserNamespaces,
                RefusesSharedIpc = refusesSharedIpc,
                Notes = notes,
                Withheld = withheld,
                NamespaceScopes = scopedBy,
                HandledFs = handled,
                HandledNet = handledNet,
                Scoped = LandlockRights.Scopes(abi),
                PathRules = rules,
                CarvedDenies = carvedDenies,
                CarvedDenyIdentities = carvedIdentities,
                CarvedDenyRoots = carvedRoots,
                HostMounts = mounts,
                ConnectPorts = ports,
                BindPorts = bindPorts,
            },
        };
    }

    /// <summary>Landlock rights for one grant, masked to what the ABI handles and to file-only rights for files.</summary>
    internal static LandlockFs RightsFor(FsGrant grant, LandlockFs handled)
    {
        LandlockFs access = LandlockFs.None;
        if ((grant.Access & FsAccess.Read) != 0)
        {
            access |= LandlockFs.ReadSet;
        }

        if ((grant.Access & FsAccess.Write) != 0)
        {
            // REFER lets rename/link cross directories, but the kernel requires it on BOTH sides, so a file
            // can only move between granted directories, never out of or into the allow-list.
            access |= LandlockFs.WriteSet;
        }

        if (access != LandlockFs.None && SandboxPath.GetsDeviceIoctl(grant.Path))
        {
            // ioctl on devices only where the user granted the device (or /dev) itself.
            access |= LandlockFs.IoctlDev;
        }

        if (grant.IsFile)
        {
            access &= LandlockFs.FileRights;
        }

        return access & handled;
    }

    /// <summary>/proc/self, /proc/thread-self and /proc/&lt;pid&gt; and below: rules on them would bind to one process.</summary>
    internal static bool IsPerProcessProcPath(string path)
    {
        string[] parts = SandboxPath.Components(path);
        return parts.Length >= 2 && parts[0] == "proc"
            && (parts[1] is "self" or "thread-self" || parts[1].All(char.IsAsciiDigit));
    }

    private static void ValidateCapabilities(CapabilitySet capabilities, List<string> problems)
    {
        foreach (FsGrant grant in capabilities.Grants)
        {
            if (!Path.IsPathFullyQualified(grant.Path) || Path.GetFullPath(grant.Path) != grant.Path.TrimEnd('/') && grant.Path != "/")
            {
                problems.Add($"grant path is not absolute and canonical: {grant.Path} [{grant.Source}]");
            }
            else if (IsPerProcessProcPath(grant.Path))
            {
                problems.Add($"grant {grant.Path} names a single process's /proc entry; Landlock would bind it to nono's own process, not the sandboxed one (grant /proc instead) [{grant.Source}]");
            }
            else if (grant.IsFile ? !File.Exists(grant.Path) : !Directory.Exists(grant.Path))
            {
                problems.Add($"grant path does not exist or is not a {(grant.IsFile ? "file" : "directory")}: {grant.Path} [{grant.Source}]");
            }
        }

        foreach (FsDeny deny in capabilities.Denies)
        {
            if (!Path.IsPathFullyQualified(deny.Path))
            {
                problems.Add($"deny path is not absolute: {deny.Path} [{deny.Source}]");
            }
        }

        if (capabilities.Network == NetworkMode.Proxy && capabilities.ProxyPort is not (>= 1 and <= 65535))
        {
            problems.Add("network mode proxy needs a proxy port between 1 and 65535");
        }
    }
}
