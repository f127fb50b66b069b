namespace Nono.Core.Snapshots;

/// <summary>Progress of a long snapshot or restore: what phase, how many entries and bytes so far.</summary>
/// <param name="Phase">"scan", "hash", "stage" or "apply".</param>
/// <param name="Entries">Entries processed in this phase.</param>
/// <param name="Bytes">Bytes processed in this phase.</param>
/// <param name="TotalEntries">Entries expected in this phase, or 0 when unknown.</param>
/// <param name="Root">The tracked root (its directory) this report is about, or null when it is about the whole session.</param>
public readonly record struct SnapshotProgress(string Phase, long Entries, long Bytes, long TotalEntries, string? Root = null);
