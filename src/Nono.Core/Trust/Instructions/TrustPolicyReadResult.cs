using Nono.Core.Policy;

namespace Nono.Core.Trust.Instructions;

/// <summary>A parsed trust policy, or every problem that prevented it.</summary>
/// <param name="Policy">The policy; null when there are problems.</param>
/// <param name="Problems">Every problem, each with its JSON path.</param>
public sealed record TrustPolicyReadResult(TrustPolicy? Policy, IReadOnlyList<PolicyProblem> Problems);
