namespace Nono.Core.Snapshots.Packs;

/// <summary>One object inside a pack: its content hash and where its zstd frame lies in the pack file.</summary>
internal readonly record struct PackEntry(ObjectKey Key, long Offset, int Length)
{
    public PackEntry(string hash, long offset, int length)
        : this(ObjectKey.TryParse(hash, out ObjectKey key) ? key : throw new ArgumentException("not an object hash", nameof(hash)), offset, length)
    {
    }

    /// <summary>The hex hash (computed: only cleanup and listings need it).</summary>
    public string Hash => Key.ToString();
}
