using System.Text.Json.Serialization;

namespace Nono.Core.Snapshots;

/// <summary>
/// One tracked entry of a snapshot. <see cref="Path"/> holds the name as text when its bytes are
/// valid UTF-8, otherwise <see cref="PathBase64"/> holds the exact bytes (same for symlink targets).
/// Inode and ctime are cache hints for incremental snapshots and are not part of the Merkle root.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class ManifestEntry
{
    [JsonPropertyName("path")]
    public string? Path { get; set; }

    [JsonPropertyName("pathB64")]
    public string? PathBase64 { get; set; }

    [JsonPropertyName("type")]
    public EntryType Type { get; set; }

    [JsonPropertyName("mode")]
    public uint Mode { get; set; }

    [JsonPropertyName("size")]
    public long Size { get; set; }

    [JsonPropertyName("mtimeNs")]
    public long MtimeNs { get; set; }

    private string? _hash;
    private ObjectKey? _hashKey;

    /// <summary>The content hash as hex; manifests loaded from binary hold the key and make the text only when asked.</summary>
    [JsonPropertyName("hash")]
    public string? Hash
    {
        get => _hash ??= _hashKey?.ToString();
        set
        {
            _hash = value;
            _hashKey = null;
        }
    }

    /// <summary>The content hash as a key; null when there is none or the text is not a valid hash.</summary>
    [JsonIgnore]
    public ObjectKey? HashKey
    {
        get => _hashKey ?? (ObjectKey.TryParse(_hash, out ObjectKey key) ? key : null);
        set
        {
            _hashKey = value;
            _hash = null;
        }
    }

    /// <summary>Whether the entry has a content hash, without making its text.</summary>
    [JsonIgnore]
    public bool HasHash => _hashKey is not null || _hash is not null;

    [JsonPropertyName("target")]
    public string? Target { get; set; }

    [JsonPropertyName("targetB64")]
    public string? TargetBase64 { get; set; }

    [JsonPropertyName("uid")]
    public uint Uid { get; set; }

    [JsonPropertyName("gid")]
    public uint Gid { get; set; }

    [JsonPropertyName("ino")]
    public ulong Inode { get; set; }

    [JsonPropertyName("ctimeNs")]
    public long CtimeNs { get; set; }

    /// <summary>The root-relative path as a raw byte string (see <see cref="Native.RawName"/>); "" is the root itself.</summary>
    [JsonIgnore]
    public string Raw { get; set; } = "";

    /// <summary>The symlink target as a raw byte string.</summary>
    [JsonIgnore]
    public string? RawTarget { get; set; }

    /// <summary>Hard link count seen by the scanner (not stored): restore never chmods a multiply-linked file in place.</summary>
    [JsonIgnore]
    public uint LinkCount { get; set; } = 1;

    /// <summary>Set by the scanner when the entry vanished or changed type while it was being read.</summary>
    [JsonIgnore]
    public bool Vanished { get; set; }

    /// <summary>Fills the serialized fields from <see cref="Raw"/> and <see cref="RawTarget"/>.</summary>
    public void Encode()
    {
        Path = Native.RawName.ToUtf8OrNull(Raw);
        PathBase64 = Path is null ? Native.RawName.ToBase64(Raw) : null;
        if (RawTarget is not null)
        {
            Target = Native.RawName.ToUtf8OrNull(RawTarget);
            TargetBase64 = Target is null ? Native.RawName.ToBase64(RawTarget) : null;
        }
    }

    /// <summary>Fills <see cref="Raw"/> and <see cref="RawTarget"/> from the serialized fields.</summary>
    public void Decode()
    {
        Raw = PathBase64 is not null ? Native.RawName.FromBase64(PathBase64) : Native.RawName.FromString(Path ?? "");
        RawTarget = TargetBase64 is not null ? Native.RawName.FromBase64(TargetBase64)
            : Target is not null ? Native.RawName.FromString(Target) : null;
    }
}
