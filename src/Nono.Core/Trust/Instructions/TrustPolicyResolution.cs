using Nono.Core.Policy;

namespace Nono.Core.Trust.Instructions;

/// <summary>The effective trust policy, where it came from, or every problem that prevents using one.</summary>
/// <param name="Policy">The policy; null when there is none or there are problems.</param>
/// <param name="Source">Where it came from.</param>
/// <param name="Path">The policy file, when there is one.</param>
/// <param name="Problems">Problems; non-empty means the caller must not start (fail secure).</param>
public sealed record TrustPolicyResolution(TrustPolicy? Policy, TrustPolicySource Source, string? Path, IReadOnlyList<PolicyProblem> Problems);
