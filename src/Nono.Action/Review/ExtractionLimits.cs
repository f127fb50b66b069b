namespace Nono.Action.Review;

/// <summary>Bounds on what an artifact zip may unpack to; the bytes are counted while copying, never taken from the headers.</summary>
internal sealed record ExtractionLimits
{
    public int MaxEntries { get; init; } = 20_000;

    public long MaxFileBytes { get; init; } = 256L * 1024 * 1024;

    public long MaxTotalBytes { get; init; } = 1024L * 1024 * 1024;
}
