using Nono.Core.Snapshots;
using Nono.Core.Snapshots.Packs;

namespace Nono.Core.Tests.Snapshots;

/// <summary>Small-file trees and pack damage for the pack tests.</summary>
internal static class PackTestTree
{
    public static string Hash(byte[] content) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content));

    /// <summary>Writes <paramref name="count"/> distinct small text files under <paramref name="folder"/> (two levels); returns their hashes.</summary>
    public static HashSet<string> WriteSmallFiles(string root, string folder, int count, int seed)
    {
        Random rng = new(seed);
        HashSet<string> hashes = new(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            string dir = Path.Combine(root, folder, i % 2 == 0 ? "" : $"sub{i % 5}");
            Directory.CreateDirectory(dir);
            string words = string.Join(' ', Enumerable.Range(0, rng.Next(1, 400)).Select(_ => rng.Next(1000).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            byte[] content = System.Text.Encoding.UTF8.GetBytes($"{folder} {seed} {i}\n{words}\n");
            File.WriteAllBytes(Path.Combine(dir, $"f{i}"), content);
            hashes.Add(Hash(content));
        }

        return hashes;
    }

    /// <summary>Damages the pack holding <paramref name="hash"/> in one of several ways.</summary>
    public static void Damage(SnapshotFixture fx, string hash, string damage)
    {
        string dataPath;
        string indexPath;
        PackEntry entry;
        using (ObjectStore objects = fx.OpenObjects())
        {
            Assert.True(objects.Packs.TryGet(hash, out Pack pack, out entry), "the object is packed");
            dataPath = objects.Packs.DataPath(pack.Name);
            indexPath = objects.Packs.IndexPath(pack.Name);
        }

        switch (damage)
        {
            case "flip-data":
                FlipByte(dataPath, entry.Offset + (entry.Length / 2));
                break;
            case "truncate-data":
                using (FileStream fs = new(dataPath, FileMode.Open))
                {
                    fs.SetLength(entry.Offset + (entry.Length / 2));
                }

                break;
            case "delete-data":
                File.Delete(dataPath);
                break;
            case "flip-index":
                FlipByte(indexPath, 20);
                break;
            default:
                File.Delete(indexPath);
                break;
        }
    }

    public static void FlipByte(string path, long offset)
    {
        using FileStream fs = new(path, FileMode.Open, FileAccess.ReadWrite);
        fs.Position = offset;
        int b = fs.ReadByte();
        fs.Position = offset;
        fs.WriteByte((byte)(b ^ 0xFF));
    }

    /// <summary>Every (pack, hash) pair in the store, to check that no object is held twice.</summary>
    public static List<string> PackedHashes(ObjectStore objects) => [.. objects.Packs.Packs.SelectMany(p => p.Entries).Select(e => e.Hash)];
}
