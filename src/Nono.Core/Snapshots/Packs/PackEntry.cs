namespace Nono.Core.Snapshots.Packs;

/// <summary>One object inside a pack: its content hash and where its zstd frame lies in the pack file.</summary>
internal readonly record struct PackEntry(string Hash, long Offset, int Length);
