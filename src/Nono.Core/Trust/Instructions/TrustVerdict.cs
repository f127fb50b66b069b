using System.Text.Json.Serialization;

namespace Nono.Core.Trust.Instructions;

/// <summary>The outcome of checking every instruction file a policy covers.</summary>
/// <param name="Enforcement">The policy's enforcement.</param>
/// <param name="Trusted">Files that verified.</param>
/// <param name="Findings">One finding per file that did not, in path order.</param>
public sealed record TrustVerdict(
    [property: JsonPropertyName("enforcement")] TrustEnforcement Enforcement,
    [property: JsonPropertyName("trusted")] IReadOnlyList<TrustedFile> Trusted,
    [property: JsonPropertyName("findings")] IReadOnlyList<TrustFinding> Findings)
{
    /// <summary>False when the run must not start: a finding under <see cref="TrustEnforcement.Deny"/>.</summary>
    [JsonPropertyName("allowed")]
    public bool Allowed => Findings.Count == 0 || Enforcement != TrustEnforcement.Deny;

    /// <summary>The verdict as indented JSON (source-generated).</summary>
    public string ToJson() => System.Text.Json.JsonSerializer.Serialize(this, TrustJsonContext.Default.TrustVerdict);

    /// <summary>One line naming every failing file and its reason, e.g. for the refusal message of <c>nono run</c>.</summary>
    public string Summary() => Findings.Count == 0
        ? $"{Trusted.Count} instruction file(s) verified"
        : $"untrusted instruction file(s): {string.Join("; ", Findings)}";
}
