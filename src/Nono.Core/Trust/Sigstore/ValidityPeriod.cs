using System.Text.Json.Serialization;

namespace Nono.Core.Trust.Sigstore;

/// <summary>A validity period; a missing end means still valid. Both ends are inclusive.</summary>
public sealed record ValidityPeriod
{
    /// <summary>Start.</summary>
    [JsonPropertyName("start")]
    public DateTimeOffset? Start { get; init; }

    /// <summary>End, if any.</summary>
    [JsonPropertyName("end")]
    public DateTimeOffset? End { get; init; }

    /// <summary>True when <paramref name="time"/> is within the period (a period without start is never valid).</summary>
    public bool Contains(DateTimeOffset time) => Start is { } s && time >= s && (End is not { } e || time <= e);
}
