using System.Text.Json.Serialization;

namespace Nono.Core.Trust.Instructions;

/// <summary>An instruction file that verified.</summary>
/// <param name="Path">Path relative to the workspace root ('/' separated).</param>
/// <param name="Digest"><c>sha256:&lt;hex&gt;</c> of the content that verified.</param>
/// <param name="Publisher">Name of the publisher whose signature verified.</param>
public sealed record TrustedFile(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("digest")] string Digest,
    [property: JsonPropertyName("publisher")] string Publisher);
