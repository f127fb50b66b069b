using System.Security.Cryptography;
using System.Text;
using Nono.Core.Diagnostics;
using Nono.Core.Tests.Audit;
using Nono.Core.Trust.Tuf;
using Nono.Testing;
using Nono.Testing.Sigstore;

namespace Nono.Core.Tests.Trust.Tuf;

/// <summary>The TUF client against a repository made by the test on 127.0.0.1 (never the real CDN).</summary>
public sealed class TufClientTests
{
    private static readonly HttpClient s_http = new();
    private static readonly DateTimeOffset s_now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void EmbeddedSigstoreRoot_ItsOwnRootThresholdVerifiesOverCanonicalJson()
    {
        TufMetadata root = TufMetadata.Parse(TufClient.EmbeddedSigstoreRoot(), "root");

        root.VerifyRole(root, "root");

        Assert.Equal(12, root.Version);
    }

    [Fact]
    public async Task FetchTargetAsync_LocalRepository_ReturnsTargetAndCachesIt()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TempDirectory cache = new();
        byte[] target = Encoding.UTF8.GetBytes("{\"mediaType\":\"x\",\"nonce\":\"" + RandomNumberGenerator.GetHexString(16) + "\"}");
        await using TestTufRepository repo = new(s_now, target);

        byte[] fetched = await Client(repo, cache).FetchTargetAsync(cancellationToken: ct);

        Assert.Equal(target, fetched);
        Assert.Equal(target, File.ReadAllBytes(cache.Combine("trusted_root.json")));
        Assert.True(File.Exists(cache.Combine("timestamp.json")));
    }

    [Fact]
    public async Task FetchTargetAsync_RootRotation_AcceptedOnlyWhenSignedByOldAndNewKeys()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TempDirectory good = new();
        using TempDirectory bad = new();
        byte[] target = RandomNumberGenerator.GetBytes(40);
        await using TestTufRepository rotated = new(s_now, target);
        rotated.RotateRoot(signWithOld: true, signWithNew: true);
        await using TestTufRepository hijacked = new(s_now, target);
        hijacked.RotateRoot(signWithOld: false, signWithNew: true);

        byte[] fetched = await Client(rotated, good).FetchTargetAsync(cancellationToken: ct);
        NonoException ex = await Assert.ThrowsAsync<NonoException>(() => Client(hijacked, bad).FetchTargetAsync(cancellationToken: ct));

        Assert.Equal(target, fetched);
        Assert.Contains("\"version\": 2", File.ReadAllText(good.Combine("root.json")), StringComparison.Ordinal);
        Assert.Contains("valid root signature", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchTargetAsync_TamperedTarget_IsRejectedAndNotCached()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TempDirectory cache = new();
        byte[] target = RandomNumberGenerator.GetBytes(40);
        await using TestTufRepository repo = new(s_now, target);
        string name = $"targets/{Convert.ToHexStringLower(SHA256.HashData(target))}.trusted_root.json";
        byte[] evil = [.. target];
        evil[0] ^= 1;
        repo.Files[name] = evil;

        NonoException ex = await Assert.ThrowsAsync<NonoException>(() => Client(repo, cache).FetchTargetAsync(cancellationToken: ct));

        Assert.Contains("does not match its sha256", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(cache.Combine("trusted_root.json")));
    }

    [Fact]
    public async Task FetchTargetAsync_ExpiredTimestamp_IsRejected()
    {
        using TempDirectory cache = new();
        await using TestTufRepository repo = new(s_now, [1, 2, 3]);
        TufClient client = new(s_http, new TufClientOptions { RepositoryUrl = repo.BaseAddress, CacheDirectory = cache.Path, TrustAnchor = repo.TrustAnchor, TimeProvider = new ManualTimeProvider(s_now.AddDays(2)) });

        NonoException ex = await Assert.ThrowsAsync<NonoException>(() => client.FetchTargetAsync(cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("timestamp metadata v1 expired", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchTargetAsync_SnapshotSignedByWrongKey_IsRejected()
    {
        using TempDirectory cache = new();
        await using TestTufRepository repo = new(s_now, [1]);
        using ECDsa stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        repo.Publish([2], 2, snapshotSigner: stranger);

        NonoException ex = await Assert.ThrowsAsync<NonoException>(() => Client(repo, cache).FetchTargetAsync(cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("0 valid snapshot signature(s), needs 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchTargetAsync_TimestampRolledBack_IsRejected()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TempDirectory cache = new();
        await using TestTufRepository repo = new(s_now, [1]);
        byte[] oldTimestamp = repo.Files["timestamp.json"];
        repo.Publish([2], 2);
        byte[] v2 = await Client(repo, cache).FetchTargetAsync(cancellationToken: ct);
        repo.Files["timestamp.json"] = oldTimestamp;

        NonoException ex = await Assert.ThrowsAsync<NonoException>(() => Client(repo, cache).FetchTargetAsync(cancellationToken: ct));

        Assert.Equal([2], v2);
        Assert.Contains("rollback", ex.Message, StringComparison.Ordinal);
    }

    private static TufClient Client(TestTufRepository repo, TempDirectory cache) =>
        new(s_http, new TufClientOptions { RepositoryUrl = repo.BaseAddress, CacheDirectory = cache.Path, TrustAnchor = repo.TrustAnchor, TimeProvider = new ManualTimeProvider(s_now) });
}
