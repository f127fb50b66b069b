using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using Nono.Core.Diagnostics;
using Nono.Core.Snapshots;
using ZstdSharp;

namespace Nono.Core.Tests.Snapshots;

public sealed class ManifestFormatTests
{
    [Fact]
    public async Task WriteRead_BinaryManifest_RoundTripsEveryField()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        File.WriteAllText(fx.Path("plain"), "content");
        Directory.CreateDirectory(fx.Path("dir"));
        File.CreateSymbolicLink(fx.Path("dir", "link"), "../plain");
        File.WriteAllBytes(fx.Path("empty"), []);
        SnapshotSession session = fx.Begin();
        await session.TakeSnapshotAsync(cancellationToken: ct);
        Manifest written = session.LoadManifest(0);
        written.Roots[0].Entries.Add(Entry(new string('\u00ff', 3000), target: "\u0080\u0081")); // non-UTF-8, longer than a stack leaf
        written.Roots[0].Skipped.Add(new SkippedEntry { Raw = "fifo\u00e9", Path = "fifo\\xe9", Kind = "fifo" });
        string path = Path.Combine(fx.StateRoot, "copy.manifest.zst");

        StateFiles.WriteManifest(path, written);
        Manifest read = StateFiles.ReadManifest(path);

        Assert.True(ManifestFormat.IsBinary(File.ReadAllBytes(path)));
        Assert.Equal(Describe(written), Describe(read));
        Assert.Equal(written.CreatedAt, read.CreatedAt);
        Assert.Equal(written.CreatedAt.Offset, read.CreatedAt.Offset);
        Assert.Equal(("fifo\u00e9", "fifo\\xe9", "fifo"), (read.Roots[0].Skipped[0].Raw, read.Roots[0].Skipped[0].Path, read.Roots[0].Skipped[0].Kind));
        Assert.Equal(MerkleTree.ComputeRoot(written), MerkleTree.ComputeRoot(read));
    }

    [Fact]
    public async Task Snapshot_UnchangedTree_RewritesThePreviousEntriesFrameAndKeepsTheRoot()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        for (int i = 0; i < 20; i++)
        {
            File.WriteAllText(fx.Path($"f{i}"), $"content {i}");
        }

        Directory.CreateDirectory(fx.Path("sub"));
        File.CreateSymbolicLink(fx.Path("sub", "link"), "../f1");
        SnapshotSession session = fx.Begin(new SnapshotOptions { RacyWindow = TimeSpan.Zero });
        SnapshotInfo first = await session.TakeSnapshotAsync(cancellationToken: ct);

        SnapshotInfo second = await session.TakeSnapshotAsync(cancellationToken: ct);
        File.SetUnixFileMode(fx.Path("f3"), UnixFileMode.UserRead);
        SnapshotInfo third = await session.TakeSnapshotAsync(cancellationToken: ct);

        Assert.Equal(first.MerkleRoot, second.MerkleRoot);
        Assert.Equal(EntriesFrame(session, 0), EntriesFrame(session, 1));
        Assert.Equal(0, second.FilesRead);
        Assert.NotEqual(first.MerkleRoot, third.MerkleRoot);
        Assert.NotEqual(EntriesFrame(session, 1), EntriesFrame(session, 2));
        Assert.Equal(0x100u, session.LoadManifest(2).Roots[0].Entries.Single(e => e.Raw == "f3").Mode);
        Assert.Equal(1, second.Index);
        Assert.Equal(1, session.LoadManifest(1).Index); // the header is the new snapshot's own
        Assert.Empty((await session.VerifyAsync(ct)).Problems);
    }

    [Fact]
    public async Task Snapshot_VersionOneJsonStore_StaysReadableIncrementalAndRestorable()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        File.WriteAllText(fx.Path("a"), "alpha");
        Directory.CreateDirectory(fx.Path("d"));
        File.WriteAllText(fx.Path("d", "b"), "beta");
        SnapshotSession session = fx.Begin(new SnapshotOptions { RacyWindow = TimeSpan.Zero });
        SnapshotInfo first = await session.TakeSnapshotAsync(cancellationToken: ct);
        WriteVersionOne(session.ManifestPath(0), session.LoadManifest(0)); // as sessions 1-3 wrote it

        SnapshotInfo second = await session.TakeSnapshotAsync(cancellationToken: ct);
        File.WriteAllText(fx.Path("a"), "changed by the agent");
        File.Delete(fx.Path("d", "b"));
        RestoreResult restored = await session.RestoreAsync(0, cancellationToken: ct);

        Assert.False(ManifestFormat.IsBinary(File.ReadAllBytes(session.ManifestPath(0))));
        Assert.Equal(1, session.LoadManifest(0).Version);
        Assert.Equal(0, second.FilesRead); // the JSON manifest served as the cache
        Assert.Equal(first.MerkleRoot, second.MerkleRoot);
        Assert.True(ManifestFormat.IsBinary(File.ReadAllBytes(session.ManifestPath(1))));
        Assert.Empty((await session.VerifyAsync(ct)).Problems);
        Assert.Equal("alpha", File.ReadAllText(fx.Path("a")));
        Assert.Equal("beta", File.ReadAllText(fx.Path("d", "b")));
        Assert.NotEmpty(restored.Actions);
    }

    [Theory]
    [InlineData("body")]
    [InlineData("header")]
    [InlineData("truncated")]
    [InlineData("length")]
    public async Task ReadManifest_DamagedBinaryManifest_IsReportedCorruptAndRestoreRefuses(string damage)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        File.WriteAllText(fx.Path("f"), "real");
        SnapshotSession session = fx.Begin();
        await session.TakeSnapshotAsync(cancellationToken: ct);
        string path = session.ManifestPath(0);
        byte[] bytes = File.ReadAllBytes(path);
        int headerEnd = 12 + BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8));
        switch (damage)
        {
            case "body":
                bytes[^3] ^= 0x40;
                break;
            case "header":
                bytes[20] ^= 0x01; // inside the session id
                break;
            case "truncated":
                bytes = bytes[..(headerEnd - 5)];
                break;
            default:
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), uint.MaxValue);
                break;
        }

        File.WriteAllBytes(path, bytes);
        File.WriteAllText(fx.Path("f"), "agent");

        NonoException ex = await Assert.ThrowsAsync<NonoException>(() => session.RestoreAsync(0, cancellationToken: ct));

        Assert.Contains(ex.Code, new[] { NonoErrorCode.StateCorrupt, NonoErrorCode.VerificationFailed });
        Assert.Equal("agent", File.ReadAllText(fx.Path("f")));
        Assert.NotEmpty((await session.VerifyAsync(ct)).Problems);
    }

    [Fact]
    public void HashLeaf_MatchesTheVersionOneLeafLayout()
    {
        ManifestEntry[] entries =
        [
            Entry("file"),
            Entry("dir", type: EntryType.Directory, hash: null),
            Entry("link\u00ff", type: EntryType.Symlink, hash: null, target: "../t\u0080"),
            Entry(new string('x', 5000)),
        ];

        foreach (ManifestEntry entry in entries)
        {
            Assert.Equal(ReferenceLeaf(3, "/root/ü", entry), MerkleTree.HashLeaf(3, "/root/ü", entry));
        }
    }

    private static ManifestEntry Entry(string raw, EntryType type = EntryType.File, string? hash = "", string? target = null) => new()
    {
        Raw = raw,
        Type = type,
        Mode = 0x1A4,
        Uid = 1000,
        Gid = 100,
        Size = -5,
        MtimeNs = long.MinValue + 7,
        CtimeNs = 42,
        Inode = ulong.MaxValue,
        Hash = hash == "" ? Convert.ToHexStringLower(SHA256.HashData("x"u8)) : hash,
        RawTarget = target,
    };

    /// <summary>The leaf exactly as sessions 1-3 built it (MemoryStream, big-endian fields).</summary>
    private static byte[] ReferenceLeaf(int rootIndex, string rootPath, ManifestEntry entry)
    {
        using MemoryStream ms = new();
        void Bytes(byte[] b)
        {
            byte[] len = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(len, b.Length);
            ms.Write(len);
            ms.Write(b);
        }

        byte[] word = new byte[8];
        ms.WriteByte(0x00);
        BinaryPrimitives.WriteInt32BigEndian(word, rootIndex);
        ms.Write(word, 0, 4);
        Bytes(System.Text.Encoding.UTF8.GetBytes(rootPath));
        Bytes(System.Text.Encoding.Latin1.GetBytes(entry.Raw));
        ms.WriteByte((byte)entry.Type);
        BinaryPrimitives.WriteUInt32BigEndian(word, entry.Mode);
        ms.Write(word, 0, 4);
        BinaryPrimitives.WriteUInt32BigEndian(word, entry.Uid);
        ms.Write(word, 0, 4);
        BinaryPrimitives.WriteUInt32BigEndian(word, entry.Gid);
        ms.Write(word, 0, 4);
        BinaryPrimitives.WriteInt64BigEndian(word, entry.Size);
        ms.Write(word);
        BinaryPrimitives.WriteInt64BigEndian(word, entry.MtimeNs);
        ms.Write(word);
        ms.Write(entry.Hash is null ? new byte[32] : Convert.FromHexString(entry.Hash));
        Bytes(entry.RawTarget is null ? [] : System.Text.Encoding.Latin1.GetBytes(entry.RawTarget));
        return SHA256.HashData(ms.ToArray());
    }

    private static void WriteVersionOne(string path, Manifest manifest)
    {
        manifest.Version = 1;
        foreach (ManifestEntry entry in manifest.Roots.SelectMany(r => r.Entries))
        {
            entry.Encode();
        }

        using Compressor compressor = new(3);
        File.WriteAllBytes(path, compressor.Wrap(JsonSerializer.SerializeToUtf8Bytes(manifest, SnapshotJsonContext.Default.Manifest)).ToArray());
    }

    private static string EntriesFrame(SnapshotSession session, int index) =>
        Convert.ToHexString(session.LoadManifest(index).Body!.Compressed.Span);

    private static string Describe(Manifest m) => string.Join("\n", m.Roots.SelectMany(r => r.Entries.Select(e =>
        $"{r.Root}|{e.Raw}|{e.Type}|{e.Mode}|{e.Uid}|{e.Gid}|{e.Size}|{e.MtimeNs}|{e.CtimeNs}|{e.Inode}|{e.Hash}|{e.RawTarget}")))
        + $"|{m.Session}|{m.Index}|{m.MerkleRoot}";
}
