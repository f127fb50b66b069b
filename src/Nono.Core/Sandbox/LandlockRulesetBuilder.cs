using Nono.Core.Sandbox.Interop;

namespace Nono.Core.Sandbox;

/// <summary>Creates the Landlock ruleset fd for a plan (in the parent; the child only restricts itself with it).</summary>
internal static class LandlockRulesetBuilder
{
    /// <summary>The ruleset, or null when the plan runs without Landlock.</summary>
    public static SafeFdHandle? Build(SandboxPlan plan)
    {
        if (plan.LandlockAbi < 1)
        {
            return null;
        }

        SafeFdHandle ruleset = Interop.Interop.LandlockCreateRuleset((ulong)plan.HandledFs, plan.HandledNet, plan.Scoped, plan.LandlockAbi);
        try
        {
            foreach (LandlockPathRule rule in plan.PathRules)
            {
                using SafeFdHandle? fd = rule.Listed ? Interop.Interop.TryOpenListedEntry(rule.Path, !rule.IsFile) : Interop.Interop.OpenPath(rule.Path);
                if (fd is null)
                {
                    continue; // a listed entry removed or replaced since the plan: nothing there was granted
                }

                Interop.Interop.LandlockAddPathRule(ruleset, fd, (ulong)rule.Access, rule.Path);
            }

            foreach (int port in plan.ConnectPorts)
            {
                Interop.Interop.LandlockAddNetRule(ruleset, LandlockRights.NetConnectTcp, port);
            }

            foreach (int port in plan.BindPorts)
            {
                Interop.Interop.LandlockAddNetRule(ruleset, LandlockRights.NetBindTcp, port);
            }

            return ruleset;
        }
        catch
        {
            ruleset.Dispose();
            throw;
        }
    }
}
