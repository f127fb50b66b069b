using System.Text.Json.Serialization;

namespace Nono.Core.Trust.InToto;

/// <summary>A subject of an in-toto statement: a name and its digests by algorithm.</summary>
public sealed record InTotoSubject
{
    /// <summary>The subject's name.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>Digests by algorithm name (lowercase hex values), e.g. <c>sha256</c>.</summary>
    [JsonPropertyName("digest")]
    public IReadOnlyDictionary<string, string> Digest { get; init; } = new Dictionary<string, string>();
}
