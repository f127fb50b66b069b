using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Nono.Core.Audit;
using Nono.Core.Diagnostics;
using Nono.Core.Trust.Keyless;

namespace Nono.Core.Trust.Tuf;

/// <summary>
/// A minimal TUF client (TUF spec §5, no delegations) that fetches one target, by default Sigstore's
/// <c>trusted_root.json</c>: starting from the cached or embedded root, it walks root rotations
/// (each new root signed by the old and the new root-role threshold, versions exactly N+1), then
/// timestamp → snapshot → targets, checking signatures against role thresholds, expiry, version
/// (no rollback below cached versions) and the lengths and hashes each step pins, and finally the
/// target's length and SHA-256. Verified metadata and the target are cached atomically.
/// </summary>
public sealed partial class TufClient(HttpClient http, TufClientOptions options)
{
    private const int MaxRootRotations = 64;
    private const long MaxRootLength = 512 * 1024;
    private const long MaxTimestampLength = 16 * 1024;
    private const long MaxMetadataLength = 4 * 1024 * 1024;

    /// <summary>The embedded Sigstore public-good root.json (the trust anchor when none is cached).</summary>
    public static byte[] EmbeddedSigstoreRoot()
    {
        using Stream stream = typeof(TufClient).Assembly.GetManifestResourceStream("nono.tuf.sigstore-root.json")
            ?? throw new NonoException(NonoErrorCode.StateCorrupt, "embedded TUF root is missing");
        using MemoryStream copy = new();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>Refreshes the metadata and returns the verified content of <paramref name="targetName"/>.</summary>
    public async Task<byte[]> FetchTargetAsync(string targetName = "trusted_root.json", CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetName);
        Directory.CreateDirectory(options.CacheDirectory);
        DateTimeOffset now = options.TimeProvider.GetUtcNow();

        // 1. Trusted root: the cached one, else the anchor; then every rotation the repository offers.
        TufMetadata root = TufMetadata.Parse(Cached("root.json") ?? options.TrustAnchor ?? EmbeddedSigstoreRoot(), "root");
        root.VerifyRole(root, "root");
        for (int i = 0; i < MaxRootRotations; i++)
        {
            byte[]? next = await FetchAsync($"{root.Version + 1}.root.json", MaxRootLength, optional: true, cancellationToken);
            if (next is null)
            {
                break;
            }

            TufMetadata candidate = TufMetadata.Parse(next, "root");
            candidate.VerifyRole(root, "root");
            candidate.VerifyRole(candidate, "root");
            if (candidate.Version != root.Version + 1)
            {
                throw Failure($"root rotation to version {candidate.Version}, expected {root.Version + 1}");
            }

            root = candidate;
            await StoreAsync("root.json", next, cancellationToken);
        }

        CheckExpiry(root, now);
        bool consistent = root.Signed.TryGetProperty("consistent_snapshot", out JsonElement cs) && cs.ValueKind == JsonValueKind.True;

        // 2. Timestamp.
        byte[] timestampBytes = await FetchAsync("timestamp.json", MaxTimestampLength, optional: false, cancellationToken) ?? [];
        TufMetadata timestamp = TufMetadata.Parse(timestampBytes, "timestamp");
        timestamp.VerifyRole(root, "timestamp");
        CheckNotRolledBack(timestamp, "timestamp.json", root);
        CheckExpiry(timestamp, now);
        MetaFile snapshotMeta = Meta(timestamp, "snapshot.json");

        // 3. Snapshot.
        byte[] snapshotBytes = await FetchAsync(consistent ? $"{snapshotMeta.Version}.snapshot.json" : "snapshot.json", snapshotMeta.Length ?? MaxMetadataLength, optional: false, cancellationToken) ?? [];
        snapshotMeta.Check(snapshotBytes, "snapshot.json");
        TufMetadata snapshot = TufMetadata.Parse(snapshotBytes, "snapshot");
        snapshot.VerifyRole(root, "snapshot");
        if (snapshot.Version != snapshotMeta.Version)
        {
            throw Failure($"snapshot version {snapshot.Version} differs from the timestamp's {snapshotMeta.Version}");
        }

        CheckNotRolledBack(snapshot, "snapshot.json", root);
        CheckExpiry(snapshot, now);
        MetaFile targetsMeta = Meta(snapshot, "targets.json");

        // 4. Targets.
        byte[] targetsBytes = await FetchAsync(consistent ? $"{targetsMeta.Version}.targets.json" : "targets.json", targetsMeta.Length ?? MaxMetadataLength, optional: false, cancellationToken) ?? [];
        targetsMeta.Check(targetsBytes, "targets.json");
        TufMetadata targets = TufMetadata.Parse(targetsBytes, "targets");
        targets.VerifyRole(root, "targets");
        if (targets.Version != targetsMeta.Version)
        {
            throw Failure($"targets version {targets.Version} differs from the snapshot's {targetsMeta.Version}");
        }

        CheckExpiry(targets, now);

        // 5. The target itself.
        if (!targets.Signed.GetProperty("targets").TryGetProperty(targetName, out JsonElement target))
        {
            throw Failure($"targets metadata has no '{targetName}'");
        }

        MetaFile targetMeta = MetaFile.From(target, targetName);
        string sha256 = targetMeta.Sha256 ?? throw Failure($"target '{targetName}' has no sha256 hash");
        byte[] content = await FetchAsync(consistent ? $"targets/{sha256}.{targetName}" : $"targets/{targetName}", targetMeta.Length ?? throw Failure($"target '{targetName}' has no length"), optional: false, cancellationToken) ?? [];
        targetMeta.Check(content, targetName);

        await StoreAsync("timestamp.json", timestampBytes, cancellationToken);
        await StoreAsync("snapshot.json", snapshotBytes, cancellationToken);
        await StoreAsync("targets.json", targetsBytes, cancellationToken);
        await StoreAsync(targetName, content, cancellationToken);
        return content;
    }

    internal static NonoException Failure(string message) => new(NonoErrorCode.VerificationFailed, "TUF: " + message);

    private static void CheckExpiry(TufMetadata metadata, DateTimeOffset now)
    {
        if (metadata.Expires <= now)
        {
            throw Failure($"{metadata.Type} metadata v{metadata.Version} expired at {metadata.Expires:u}");
        }
    }

    private void CheckNotRolledBack(TufMetadata fresh, string cachedName, TufMetadata root)
    {
        if (Cached(cachedName) is not { } bytes)
        {
            return;
        }

        TufMetadata cached;
        try
        {
            cached = TufMetadata.Parse(bytes, fresh.Type);
            cached.VerifyRole(root, fresh.Type);
        }
        catch (NonoException)
        {
            return; // a cached file the current root no longer vouches for proves nothing
        }

        if (fresh.Version < cached.Version)
        {
            throw Failure($"{fresh.Type} version {fresh.Version} is older than the cached {cached.Version} (rollback)");
        }
    }

    private static MetaFile Meta(TufMetadata metadata, string name) =>
        metadata.Signed.GetProperty("meta").TryGetProperty(name, out JsonElement meta) ? MetaFile.From(meta, name) : throw Failure($"{metadata.Type} metadata does not list {name}");

    private byte[]? Cached(string name)
    {
        string path = Path.Combine(options.CacheDirectory, name);
        return File.Exists(path) ? File.ReadAllBytes(path) : null;
    }

    private Task StoreAsync(string name, byte[] content, CancellationToken cancellationToken) =>
        AtomicFile.WriteAsync(Path.Combine(options.CacheDirectory, name), content, FileModes.PrivateFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead, cancellationToken);

    private async Task<byte[]?> FetchAsync(string name, long maxLength, bool optional, CancellationToken cancellationToken)
    {
        using HttpRequestMessage request = new(HttpMethod.Get, new Uri(options.RepositoryUrl, name));
        using HttpResponseMessage response = await KeylessHttp.SendAsync(http, request, "the TUF repository", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (optional && response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
        {
            return null;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw Failure($"fetching {name} failed: HTTP {(int)response.StatusCode}");
        }

        await using Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using MemoryStream buffer = new();
        byte[] chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > maxLength)
            {
                throw Failure($"{name} is longer than {maxLength} bytes");
            }
        }

        return buffer.ToArray();
    }
}
