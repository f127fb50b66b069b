using System.Text.Json.Serialization;

namespace Nono.Core.Trust.Instructions;

/// <summary>An instruction file that failed verification.</summary>
/// <param name="Path">Path relative to the workspace root ('/' separated).</param>
/// <param name="Reason">Why.</param>
/// <param name="Detail">One line for humans.</param>
public sealed record TrustFinding(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("reason")] TrustFindingReason Reason,
    [property: JsonPropertyName("detail")] string Detail)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Path}: {ReasonText(Reason)} ({Detail})";

    /// <summary>The reason as policy/JSON spells it.</summary>
    public static string ReasonText(TrustFindingReason reason) => reason switch
    {
        TrustFindingReason.NotSigned => "unsigned",
        TrustFindingReason.Modified => "modified",
        TrustFindingReason.Blocklisted => "blocklisted",
        TrustFindingReason.UnknownPublisher => "unknown publisher",
        _ => "invalid signature",
    };
}
