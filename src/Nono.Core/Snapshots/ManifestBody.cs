namespace Nono.Core.Snapshots;

/// <summary>
/// The entries of a binary manifest as they are stored: one zstd frame, its uncompressed length and
/// the SHA-256 of the frame (kept in the manifest header, checked on every read). A snapshot whose
/// entries are byte-for-byte those of the previous one writes this frame again instead of encoding them.
/// </summary>
internal sealed record ManifestBody(ReadOnlyMemory<byte> Compressed, long Length, byte[] Sha256);
