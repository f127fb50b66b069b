using System.Security.Cryptography;
using System.Text.Json;

namespace Nono.Core.Trust.Tuf;

/// <summary>What a TUF metadata file pins about another file: version, length, SHA-256.</summary>
internal sealed record MetaFile(long Version, long? Length, string? Sha256)
{
    public static MetaFile From(JsonElement meta, string name)
    {
        long version = meta.TryGetProperty("version", out JsonElement v) && v.TryGetInt64(out long n) ? n : 0;
        long? length = meta.TryGetProperty("length", out JsonElement l) && l.TryGetInt64(out long len) ? len : null;
        string? sha256 = meta.TryGetProperty("hashes", out JsonElement h) && h.TryGetProperty("sha256", out JsonElement s) ? s.GetString() : null;
        if (length is < 0)
        {
            throw TufClient.Failure($"{name} has a negative length");
        }

        return new MetaFile(version, length, sha256);
    }

    public void Check(byte[] content, string name)
    {
        if (Length is { } length && content.Length != length)
        {
            throw TufClient.Failure($"{name} is {content.Length} bytes, metadata says {length}");
        }

        if (Sha256 is { } hash && !string.Equals(Convert.ToHexStringLower(SHA256.HashData(content)), hash, StringComparison.OrdinalIgnoreCase))
        {
            throw TufClient.Failure($"{name} does not match its sha256 in the metadata");
        }
    }
}
