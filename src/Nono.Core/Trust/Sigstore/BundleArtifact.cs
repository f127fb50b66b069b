using System.Security.Cryptography;
using Nono.Core.Diagnostics;

namespace Nono.Core.Trust.Sigstore;

/// <summary>The signed artifact: its content when available, and always its SHA-256 digest.</summary>
public sealed record BundleArtifact
{
    private BundleArtifact(byte[] sha256)
    {
        Sha256 = sha256;
    }

    /// <summary>SHA-256 of the artifact.</summary>
    public byte[] Sha256 { get; }

    /// <summary>Reads an artifact file and hashes it.</summary>
    public static BundleArtifact FromFile(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return new BundleArtifact(SHA256.HashData(stream));
    }

    /// <summary>An artifact known only by digest, given as <c>sha256:&lt;64 hex&gt;</c>.</summary>
    public static BundleArtifact FromDigest(string digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        const string Prefix = "sha256:";
        string hex = digest.StartsWith(Prefix, StringComparison.Ordinal) ? digest[Prefix.Length..] : "";
        if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigit))
        {
            throw new NonoException(NonoErrorCode.InvalidPolicy, $"invalid digest '{digest}': expected sha256:<64 hex>");
        }

        return new BundleArtifact(Convert.FromHexString(hex));
    }

    /// <summary>An artifact from its bytes.</summary>
    public static BundleArtifact FromBytes(ReadOnlySpan<byte> content) => new(SHA256.HashData(content));
}
