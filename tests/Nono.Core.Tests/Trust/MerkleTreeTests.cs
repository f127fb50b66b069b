using System.Security.Cryptography;
using Nono.Core.Trust;

namespace Nono.Core.Tests.Trust;

public sealed class MerkleTreeTests
{
    [Fact]
    public void Root_Empty_IsHashOfEmptyString()
    {
        Assert.Equal(SHA256.HashData(ReadOnlySpan<byte>.Empty), MerkleTree.Root([]));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(8)]
    [InlineData(13)]
    public void Root_MatchesRecursiveRfc6962Definition(int n)
    {
        byte[][] leaves = Leaves(n);

        Assert.Equal(Mth(leaves), MerkleTree.Root(leaves));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(16)]
    public void RootFromInclusionProof_EveryLeaf_ReconstructsRootAndRejectsWrongLeaf(int n)
    {
        byte[][] leaves = Leaves(n);
        byte[] root = Mth(leaves);

        for (int i = 0; i < n; i++)
        {
            List<byte[]> proof = Path(i, leaves);
            Assert.Equal(root, MerkleTree.RootFromInclusionProof(i, n, leaves[i], proof));
            Assert.NotEqual(root, MerkleTree.RootFromInclusionProof(i, n, SHA256.HashData([1, 2, 3]), proof));
        }

        Assert.Null(MerkleTree.RootFromInclusionProof(n, n, leaves[0], []));
    }

    private static byte[][] Leaves(int n) => [.. Enumerable.Range(0, n).Select(i => MerkleTree.HashLeaf([(byte)i]))];

    // RFC 6962 §2.1 definitions, written recursively as in the RFC.
    private static byte[] Mth(ReadOnlySpan<byte[]> d)
    {
        if (d.Length == 1)
        {
            return d[0];
        }

        int k = Split(d.Length);
        return MerkleTree.HashChildren(Mth(d[..k]), Mth(d[k..]));
    }

    private static List<byte[]> Path(int m, ReadOnlySpan<byte[]> d)
    {
        if (d.Length == 1)
        {
            return [];
        }

        int k = Split(d.Length);
        return m < k ? [.. Path(m, d[..k]), Mth(d[k..])] : [.. Path(m - k, d[k..]), Mth(d[..k])];
    }

    private static int Split(int n)
    {
        int k = 1;
        while (k * 2 < n)
        {
            k *= 2;
        }

        return k;
    }
}
