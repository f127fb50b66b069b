using System.Text.Json;

namespace Nono.Core.Policy;

/// <summary>JSON output of policy types for <c>--json</c> (snake_case keys, enums as strings, source-generated).</summary>
public static class PolicyJson
{
    /// <summary>Serializes a resolved policy.</summary>
    public static string Serialize(ResolvedPolicy policy) => JsonSerializer.Serialize(policy, PolicyJsonContext.Default.ResolvedPolicy);

    /// <summary>Serializes a decision of <see cref="PolicyExplainer.Why"/>.</summary>
    public static string Serialize(Decision decision) => JsonSerializer.Serialize(decision, PolicyJsonContext.Default.Decision);

    /// <summary>Serializes a list of problems.</summary>
    public static string Serialize(IEnumerable<PolicyProblem> problems) => JsonSerializer.Serialize(problems.ToArray(), PolicyJsonContext.Default.PolicyProblemArray);

    /// <summary>Serializes groups by name.</summary>
    public static string Serialize(IReadOnlyDictionary<string, PolicyGroup> groups) =>
        JsonSerializer.Serialize(groups.ToDictionary(g => g.Key, g => g.Value, StringComparer.Ordinal), PolicyJsonContext.Default.DictionaryStringPolicyGroup);
}
