using System.CommandLine;
using System.Text.Json;
using Nono.Action.Cli;
using Nono.Action.Containment;
using Nono.Action.Network;
using Nono.Core.Sandbox;

namespace Nono.Action.Commands;

/// <summary>
/// <c>nono setup --check-only [--json]</c>: the kernel probe and feature matrix, and the weaker modes the default policy
/// would need here. Exit 0 when a sandbox can be enforced (Landlock and seccomp work), even when the default policy needs
/// named opt-ins: they are listed, and <c>nono run</c> refuses until they are given.
/// </summary>
internal static partial class SetupCommand
{
    public static Command Create(CliContext context)
    {
        Option<bool> checkOnly = new("--check-only") { Description = "Only report what this kernel supports (the only mode so far)" };
        Option<bool> json = new("--json") { Description = "Machine-readable output" };
        Option<int?> abi = new("--landlock-abi") { Hidden = true, Description = "Behave as on a kernel with at most this Landlock ABI" };
        Command command = new("setup", "Check what sandboxing this machine supports");
        command.Options.Add(checkOnly);
        command.Options.Add(json);
        command.Options.Add(abi);
        command.SetAction(parse =>
        {
            if (!OperatingSystem.IsLinux())
            {
                return RunCommand.NotLinux(context);
            }

            int? cap = parse.GetValue(abi);
            if (cap is null && int.TryParse(context.GetEnv("NONO_LANDLOCK_ABI_MAX"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int envCap))
            {
                cap = envCap;
            }

            if (cap is < 0)
            {
                context.Error.WriteLine("nono: --landlock-abi must be 0 or more");
                return ExitCodes.NonoError;
            }

            SandboxSupport support = SandboxSupport.Probe(cap);
            ForkSafety.ReexecIfNeeded(); // the network namespace probe forks
            NetworkTierReport network = NetworkTierReport.Create(context, support);
            ProcessContainmentSupport containment = RunContainment.Probe(cgroupToo: true);
            List<string> problems = [];
            ProcessContainment chosen = RunContainment.Choose(context, problems, trustEvidence: false);
            DefaultPolicyCheck check = CheckDefaultPolicy(context, support, network.Namespace, chosen);
            string? probeNeeded = NamespaceEvidence.ProbeNeeded();
            if (probeNeeded is null && (!network.Namespace.Available || !containment.PidNamespace))
            {
                // nono run skips the probes on a host that looks like this one, and would fail at launch.
                problems.Add("this host looks plain, so nono run skips the namespace probes, but a probe failed "
                    + $"({(network.Namespace.Available ? containment.PidNamespaceProblem : network.Namespace.ToString())}); "
                    + "set NONO_CONTAINMENT and NONO_NETWORK_TIER to a tier that works, and please report this host");
            }
            foreach (string problem in problems)
            {
                context.Error.WriteLine($"nono: {problem}");
            }

            if (parse.GetValue(json))
            {
                WriteJson(context.Output, support, network, containment, chosen, check);
            }
            else
            {
                string evidence = probeNeeded is null
                    ? "namespace evidence: plain host (nono run skips the namespace probe forks)"
                    : $"namespace evidence: nono run probes the namespaces ({probeNeeded})";
                foreach (string line in support.Describe().SkipLast(1).Concat(Verdict(support, check)).Concat(network.Describe()).Concat(containment.Describe().SkipLast(1)).Append(ProcessContainments.Describe(chosen)).Append(evidence))
                {
                    context.Output.WriteLine(line);
                }
            }

            return support.CanEnforce && problems.Count == 0 ? ExitCodes.Success : ExitCodes.NonoError;
        });
        return command;
    }

    private static void WriteJson(TextWriter output, SandboxSupport s, NetworkTierReport network, ProcessContainmentSupport containment, ProcessContainment chosen, DefaultPolicyCheck check)
    {
        using MemoryStream buffer = new();
        using (Utf8JsonWriter w = new(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("kernelRelease", s.KernelRelease);
            w.WriteString("architecture", s.Architecture);
            w.WriteBoolean("architectureSupported", s.ArchitectureSupported);
            w.WriteNumber("kernelLandlockAbi", s.KernelLandlockAbi);
            if (s.LandlockAbiCap is int cap)
            {
                w.WriteNumber("landlockAbiCap", cap);
            }

            w.WriteNumber("landlockAbi", s.LandlockAbi);
            WriteArray(w, "fsRights", s.FsRights);
            WriteArray(w, "netRights", s.NetRights);
            WriteArray(w, "scopes", s.Scopes);
            w.WriteBoolean("seccompFilter", s.SeccompFilter);
            w.WriteBoolean("seccompUserNotification", s.SeccompUserNotification);
            w.WriteBoolean("unprivilegedUserNamespaces", s.UnprivilegedUserNamespaces);
            w.WriteString("userNamespaceDetail", s.UserNamespaceDetail);
            w.WriteBoolean("cgroupV2", s.CgroupV2);
            if (s.CgroupV2MountPoint is { } cgroup2)
            {
                w.WriteString("cgroupV2MountPoint", cgroup2);
            }

            w.WriteString("tier", s.Tier.ToString());
            w.WriteBoolean("canEnforce", s.CanEnforce);
            WriteArray(w, "weakerModesNeeded", [.. check.WeakerModes.Select(WeakerModes.Name)]);
            WriteArray(w, "namespaceScopes", check.NamespaceScopes);
            w.WriteBoolean("networkNamespace", network.Namespace.Available);
            if (!network.Namespace.Available)
            {
                w.WriteString("networkNamespaceProblem", network.Namespace.ToString());
            }

            w.WriteString("networkTierProxy", network.ProxyTier);
            w.WriteString("networkTierBlock", network.BlockTier);
            w.WriteBoolean("pidNamespace", containment.PidNamespace);
            if (!containment.PidNamespace)
            {
                w.WriteString("pidNamespaceProblem", containment.PidNamespaceProblem);
            }

            w.WriteBoolean("cgroupKill", containment.Cgroup);
            if (!containment.Cgroup)
            {
                w.WriteString("cgroupKillProblem", containment.CgroupProblem);
            }

            w.WriteString("processContainment", ProcessContainments.Name(chosen));
            w.WriteEndObject();
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static void WriteArray(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        w.WriteStartArray(name);
        foreach (string v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }
}
