using System.Security.Cryptography;
using System.Text.Json;
using Nono.Core.Audit;
using Nono.Core.Trust.Keys;
using Nono.Core.Trust.Sigstore;

namespace Nono.Core.Trust.Instructions;

/// <summary>
/// Signs instruction files with a managed key: a Sigstore bundle v0.3 with a message signature
/// over the file's SHA-256 (the shape of <c>cosign sign-blob</c> / hashedrekord), written as
/// <c>FILE.bundle</c> beside the file.
/// </summary>
public static class InstructionSigner
{
    /// <summary>Suffix of the bundle written beside each signed file.</summary>
    public const string BundleSuffix = ".bundle";

    /// <summary>Builds the bundle for <paramref name="content"/> signed by <paramref name="key"/>.</summary>
    public static SigstoreBundle CreateBundle(ReadOnlySpan<byte> content, SigningKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        byte[] digest = SHA256.HashData(content);
        return new SigstoreBundle
        {
            MediaType = SigstoreBundle.MediaTypeV03,
            VerificationMaterial = new BundleVerificationMaterial { PublicKey = new BundlePublicKey { Hint = key.Hint }, TlogEntries = [] },
            MessageSignature = new BundleMessageSignature
            {
                MessageDigest = new BundleHashOutput { Algorithm = "SHA2_256", Digest = digest },
                Signature = key.SignDigest(digest),
            },
        };
    }

    /// <summary>Signs <paramref name="path"/> and writes <c>path.bundle</c> atomically; returns the bundle path.</summary>
    public static async Task<string> SignFileAsync(string path, SigningKey key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(key);
        byte[] content = await File.ReadAllBytesAsync(path, cancellationToken);
        return await WriteBundleAsync(path, CreateBundle(content, key), cancellationToken);
    }

    /// <summary>Writes <paramref name="bundle"/> as <c>path.bundle</c> (mode 0644) atomically; returns its path.</summary>
    public static async Task<string> WriteBundleAsync(string path, SigstoreBundle bundle, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(bundle);
        string target = path + BundleSuffix;
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(bundle, SigstoreJsonContext.Default.SigstoreBundle);
        const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        await AtomicFile.WriteAsync(target, json, Mode, cancellationToken);
        return target;
    }
}
