using System.Security.Cryptography;
using Nono.Core.Diagnostics;
using Nono.Core.Snapshots;

namespace Nono.Core.Tests.Snapshots;

public sealed class MerkleTreeTests
{
    [Fact]
    public void ComputeRoot_ThreeLeaves_FollowsRfc6962ShapeWithDomainSeparation()
    {
        Manifest manifest = new() { Roots = [new ManifestRoot { Root = "/r", Entries = [Entry("a"), Entry("b"), Entry("c")] }] };
        byte[] a = MerkleTree.HashLeaf(0, "/r", Entry("a"));
        byte[] b = MerkleTree.HashLeaf(0, "/r", Entry("b"));
        byte[] c = MerkleTree.HashLeaf(0, "/r", Entry("c"));

        byte[] ab = SHA256.HashData([0x01, .. a, .. b]);
        byte[] expected = SHA256.HashData([0x01, .. ab, .. c]);

        Assert.Equal(Convert.ToHexStringLower(expected), MerkleTree.ComputeRoot(manifest));
    }

    [Fact]
    public void ComputeRoot_AnyRecordedFieldChanges_ChangesRoot()
    {
        string baseline = Root(Entry("a"));

        Assert.NotEqual(baseline, Root(Entry("a", mode: 0x1ED)));
        Assert.NotEqual(baseline, Root(Entry("a", hash: new string('1', 64))));
        Assert.NotEqual(baseline, Root(Entry("b")));
        Assert.NotEqual(baseline, Root(Entry("a", size: 4)));
        Assert.Equal(baseline, Root(Entry("a", inode: 99))); // cache hints are not content
    }

    [Fact]
    public async Task Verify_TamperedManifest_IsDetectedAndRestoreRefuses()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        File.WriteAllText(fx.Path("f"), "real");
        SnapshotSession session = fx.Begin();
        await session.TakeSnapshotAsync(cancellationToken: ct);
        string path = session.ManifestPath(0);
        Manifest manifest = StateFiles.ReadManifest(path);
        manifest.Roots[0].Entries.Single(e => e.Raw == "f").Mode = 0xFFF; // attacker wants a setuid, world-writable file
        StateFiles.WriteManifest(path, manifest);

        VerifyResult result = await session.VerifyAsync(ct);
        NonoException ex = await Assert.ThrowsAsync<NonoException>(() => session.RestoreAsync(0, cancellationToken: ct));

        Assert.Contains(result.Problems, p => p.Contains("Merkle", StringComparison.Ordinal));
        Assert.Equal(NonoErrorCode.VerificationFailed, ex.Code);
    }

    [Theory]
    [InlineData("../../../../etc/passwd")]
    [InlineData("ABCDEF0000000000000000000000000000000000000000000000000000000000")]
    [InlineData("")]
    public void ObjectPath_MalformedHash_IsRefusedNotTurnedIntoAPath(string hash)
    {
        using SnapshotFixture fx = new();
        ObjectStore store = new(Path.Combine(fx.StateRoot, "objects"), 3);

        NonoException ex = Assert.Throws<NonoException>(() => store.PathFor(hash));

        Assert.Equal(NonoErrorCode.VerificationFailed, ex.Code);
    }

    private static string Root(ManifestEntry entry) => MerkleTree.ComputeRoot(new Manifest { Roots = [new ManifestRoot { Root = "/r", Entries = [entry] }] });

    private static ManifestEntry Entry(string name, uint mode = 0x1A4, string? hash = null, long size = 3, ulong inode = 1) =>
        new() { Raw = name, Type = EntryType.File, Mode = mode, Size = size, MtimeNs = 5, Hash = hash ?? new string('0', 64), Inode = inode };
}
