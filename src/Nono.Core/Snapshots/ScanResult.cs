namespace Nono.Core.Snapshots;

/// <summary>What a scan of one root found.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed record ScanResult(List<ManifestEntry> Entries, List<SkippedEntry> Skipped, int FilesRead, long BytesRead)
{
    /// <summary>Entries that are the cache's own objects, unchanged in every recorded field.</summary>
    public int Reused { get; init; }

    /// <summary>Metadata digests of the excluded paths, when the scanner was asked for them.</summary>
    public List<ExcludedTree> Excluded { get; init; } = [];
}
