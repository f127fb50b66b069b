using Microsoft.Win32.SafeHandles;

namespace Nono.Core.Snapshots.Packs;

/// <summary>An open pack file and its parsed index. The descriptor is opened once, when the pack is loaded, so
/// every read of this store instance sees the same pack even if a cleanup replaces it later.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class Pack(string name, SafeFileHandle handle, IReadOnlyList<PackEntry> entries) : IDisposable
{
    public const string Prefix = "pack-";
    public const string DataExtension = ".pack";
    public const string IndexExtension = ".idx";

    /// <summary>"pack-" followed by 32 hex digits.</summary>
    public string Name { get; } = name;

    public SafeFileHandle Handle { get; } = handle;

    public IReadOnlyList<PackEntry> Entries { get; } = entries;

    public static bool IsName(string name) =>
        name.Length == Prefix.Length + 32 && name.StartsWith(Prefix, StringComparison.Ordinal) && name[Prefix.Length..].All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    public void Dispose() => Handle.Dispose();
}
