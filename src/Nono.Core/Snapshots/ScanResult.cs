namespace Nono.Core.Snapshots;

/// <summary>What a scan of one root found.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed record ScanResult(List<ManifestEntry> Entries, List<SkippedEntry> Skipped, int FilesRead, long BytesRead);
