using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nono.Core.Trust.InToto;

/// <summary>An in-toto Statement v1 (<c>_type</c> https://in-toto.io/Statement/v1).</summary>
public sealed record InTotoStatement
{
    /// <summary>The statement type URI for v1.</summary>
    public const string TypeV1 = "https://in-toto.io/Statement/v1";

    /// <summary>DSSE payload type of in-toto statements.</summary>
    public const string PayloadType = "application/vnd.in-toto+json";

    /// <summary>The statement type.</summary>
    [JsonPropertyName("_type")]
    public string Type { get; init; } = TypeV1;

    /// <summary>What the statement is about.</summary>
    [JsonPropertyName("subject")]
    public IReadOnlyList<InTotoSubject> Subject { get; init; } = [];

    /// <summary>The predicate's type URI.</summary>
    [JsonPropertyName("predicateType")]
    public string PredicateType { get; init; } = "";

    /// <summary>The predicate, as raw JSON.</summary>
    [JsonPropertyName("predicate")]
    public JsonElement? Predicate { get; init; }
}
