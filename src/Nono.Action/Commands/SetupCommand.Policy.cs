using System.Runtime.Versioning;
using Nono.Action.Cli;
using Nono.Action.Profiles;
using Nono.Core.Diagnostics;
using Nono.Core.Sandbox;

namespace Nono.Action.Commands;

internal static partial class SetupCommand
{
    /// <summary>
    /// What planning the policy <c>nono run</c> would use here (no flags) says: the opt-ins it needs and the scopes namespaces
    /// provide. <c>PidnsNeedsNoTerminal</c>: the PID namespace scopes signals here only while no terminal is on stdin, stdout
    /// or stderr.
    /// </summary>
    private sealed record DefaultPolicyCheck(IReadOnlyList<WeakerMode> WeakerModes, IReadOnlyList<string> NamespaceScopes, string? Problem, bool PidnsNeedsNoTerminal = false);

    /// <summary>
    /// Plans the default policy with every weaker mode allowed, so the plan lists exactly the opt-ins <c>nono run</c> would
    /// refuse without. A policy that does not resolve or plan here is reported, not thrown: setup is a diagnosis.
    /// </summary>
    [SupportedOSPlatform("linux")]
    private static DefaultPolicyCheck CheckDefaultPolicy(CliContext context, SandboxSupport support, NetworkNamespaceSupport netns, ProcessContainment containment)
    {
        try
        {
            Nono.Core.Policy.ResolvedPolicy policy = PolicyLoader.Resolve(context.Environment, context.CurrentDirectory, CliPolicyArgs.None);
            PlanResult result = SandboxPlanner.Plan(policy.Capabilities, new EnforcementOptions
            {
                Support = support,
                // Every mode the planner could require; root-capabilities, nested-user-namespaces and shared-ipc are never
                // required (without them the command only loses something), so allowing them here would list them as needed.
                AllowedWeakerModes = Enum.GetValues<WeakerMode>().Where(m => m is not (WeakerMode.RootCapabilities or WeakerMode.NestedUserNamespaces or WeakerMode.SharedIpc)).ToHashSet(),
                NetworkNamespace = netns,
                Containment = containment,
                TerminalAttached = StdioTerminal.Attached(), // as nono run started the same way would see it
                TerminalDevices = StdioTerminal.Devices(),
            });
            return result.Plan is SandboxPlan plan
                ? new DefaultPolicyCheck(plan.WeakerModes, plan.NamespaceScopes, null, plan.Containment == ProcessContainment.PidNamespace && plan.LandlockAbi is > 0 and < 6)
                : new DefaultPolicyCheck([], [], string.Join("; ", result.Problems));
        }
        catch (NonoException ex)
        {
            return new DefaultPolicyCheck([], [], ex.Message);
        }
    }

    /// <summary>The verdict line: enforceable, enforceable only with named opt-ins, or not at all.</summary>
    private static IEnumerable<string> Verdict(SandboxSupport support, DefaultPolicyCheck check)
    {
        if (!support.CanEnforce)
        {
            yield return "sandbox: NOT enforceable without a weaker-mode opt-in";
            yield break;
        }

        if (check.WeakerModes.Count > 0)
        {
            string[] names = [.. check.WeakerModes.Select(WeakerModes.Name)];
            yield return $"sandbox: enforceable only with weaker modes: {string.Join(", ", names)} (opt in with {string.Join(" ", names.Select(n => $"--allow-weaker {n}"))})";
        }
        else
        {
            yield return "sandbox: enforceable";
        }

        foreach (string scope in check.NamespaceScopes)
        {
            yield return $"  {scope}";
        }

        if (check.PidnsNeedsNoTerminal)
        {
            // The same command in a terminal and in CI plans differently: say which one this was and what the other needs.
            yield return check.WeakerModes.Contains(WeakerMode.UnscopedSignals)
                ? "  unscoped-signals: a terminal is on stdin, stdout or stderr, so the command keeps nono's session; without one (CI), the PID namespace and a session of its own scope signals"
                : "  with a terminal on stdin, stdout or stderr, nono run keeps the command in its session and also needs --allow-weaker unscoped-signals";
        }

        if (check.Problem is not null)
        {
            yield return $"  the default policy does not plan here: {check.Problem}";
        }
    }
}
