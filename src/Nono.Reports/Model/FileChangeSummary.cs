namespace Nono.Reports.Model;

/// <summary>One changed file.</summary>
/// <param name="Path">Workspace-relative path. Untrusted text.</param>
/// <param name="Kind">What changed.</param>
/// <param name="SizeDelta">Size after minus size before, in bytes.</param>
/// <param name="DiffExcerpt">A short unified-diff excerpt for text files, or null.</param>
public sealed record FileChangeSummary(string Path, FileChangeKind Kind, long SizeDelta, string? DiffExcerpt = null);
