using Nono.Core.Policy;

namespace Nono.Action.Commands;

/// <summary>
/// The action mode's guards (tree containment, the git control check, the checkout token hidden) also protect a plain
/// <c>nono run</c> whose profile extends <c>ci</c>: such a run is a CI step whatever started it.
/// </summary>
internal static class CiGuards
{
    private const string CiProfile = "ci";

    /// <summary>True with <c>--action-guards</c> (the action mode) or <c>ci</c> in the profile's extends chain.</summary>
    public static bool Apply(bool actionGuards, ResolvedPolicy policy) => actionGuards || InCiChain(policy);

    /// <summary>
    /// True when this run hides the checkout token itself: <c>ci</c> in the chain and not under the action mode, which
    /// hid it already (and whose pending backup a second guard must not put back).
    /// </summary>
    public static bool HidesCheckoutToken(bool actionGuards, ResolvedPolicy policy) => !actionGuards && InCiChain(policy);

    private static bool InCiChain(ResolvedPolicy policy) => policy.Chain.Contains(CiProfile, StringComparer.Ordinal);
}
