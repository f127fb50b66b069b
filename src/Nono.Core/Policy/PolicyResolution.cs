using System.Diagnostics.CodeAnalysis;

namespace Nono.Core.Policy;

/// <summary>The outcome of resolving a profile: a policy, or every problem found.</summary>
/// <param name="Policy">The resolved policy, or null when there are problems.</param>
/// <param name="Problems">All problems, each with its origin and JSON path.</param>
public sealed record PolicyResolution(ResolvedPolicy? Policy, IReadOnlyList<PolicyProblem> Problems)
{
    /// <summary>True when the profile resolved without problems.</summary>
    [MemberNotNullWhen(true, nameof(Policy))]
    public bool Succeeded => Policy is not null && Problems.Count == 0;
}
