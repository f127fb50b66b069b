using System.Buffers.Binary;
using System.Text;
using Nono.Core.Trust;

namespace Nono.Core.Audit;

/// <summary>
/// The domain-separated hashes of the audit trail. Leaves are RFC 6962 Merkle leaves over a
/// tagged, sequence-numbered event, so the same bytes hash differently as a leaf, a chain link or
/// a ledger link, and an event cannot be moved to another position or session unnoticed.
/// </summary>
internal static class AuditHashing
{
    private static readonly byte[] s_leafTag = Encoding.ASCII.GetBytes("nono.audit.v1.event\0");
    private static readonly byte[] s_chainTag = Encoding.ASCII.GetBytes("nono.audit.v1.chain\0");
    private static readonly byte[] s_genesisTag = Encoding.ASCII.GetBytes("nono.audit.v1.genesis\0");
    private static readonly byte[] s_ledgerTag = Encoding.ASCII.GetBytes("nono.audit.v1.ledger\0");
    private static readonly byte[] s_ledgerGenesisTag = Encoding.ASCII.GetBytes("nono.audit.v1.ledger-genesis\0");

    /// <summary>Leaf hash: <c>SHA-256(0x00 || "nono.audit.v1.event\0" || seq(u64 BE) || event JSON)</c>.</summary>
    public static byte[] Leaf(long seq, ReadOnlySpan<byte> eventJson)
    {
        byte[] data = new byte[s_leafTag.Length + 8 + eventJson.Length];
        s_leafTag.CopyTo(data, 0);
        BinaryPrimitives.WriteInt64BigEndian(data.AsSpan(s_leafTag.Length), seq);
        eventJson.CopyTo(data.AsSpan(s_leafTag.Length + 8));
        return MerkleTree.HashLeaf(data);
    }

    /// <summary>The chain value before the first event, bound to the session id.</summary>
    public static byte[] Genesis(string sessionId) => Tagged(s_genesisTag, Encoding.UTF8.GetBytes(sessionId));

    /// <summary>Chain link: <c>SHA-256(0x02 || "nono.audit.v1.chain\0" || previous || leaf)</c>.</summary>
    public static byte[] Chain(ReadOnlySpan<byte> previous, ReadOnlySpan<byte> leaf)
    {
        byte[] data = new byte[previous.Length + leaf.Length];
        previous.CopyTo(data);
        leaf.CopyTo(data.AsSpan(previous.Length));
        return Tagged(s_chainTag, data);
    }

    /// <summary>The ledger's chain value before its first entry.</summary>
    public static byte[] LedgerGenesis() => Tagged(s_ledgerGenesisTag, []);

    /// <summary>Ledger link: <c>SHA-256(0x02 || "nono.audit.v1.ledger\0" || previous || entry JSON)</c>.</summary>
    public static byte[] LedgerLink(ReadOnlySpan<byte> previous, ReadOnlySpan<byte> entryJson)
    {
        byte[] data = new byte[previous.Length + entryJson.Length];
        previous.CopyTo(data);
        entryJson.CopyTo(data.AsSpan(previous.Length));
        return Tagged(s_ledgerTag, data);
    }

    public static string Hex(ReadOnlySpan<byte> hash) => Convert.ToHexStringLower(hash);

    private static byte[] Tagged(byte[] tag, ReadOnlySpan<byte> data)
    {
        ManagedSha256 sha = new();
        sha.AppendData([0x02]);
        sha.AppendData(tag);
        sha.AppendData(data);
        return sha.GetHash();
    }
}
