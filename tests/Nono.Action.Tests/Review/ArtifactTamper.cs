using System.IO.Compression;

namespace Nono.Action.Tests.Review;

/// <summary>Rewrites one file of an artifact zip, as an attacker with write access to the artifact could.</summary>
internal static class ArtifactTamper
{
    public static byte[] Rewrite(byte[] zip, Func<string, bool> match, Func<byte[], byte[]> change)
    {
        using MemoryStream output = new();
        using (ZipArchive source = new(new MemoryStream(zip), ZipArchiveMode.Read))
        using (ZipArchive target = new(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            int changed = 0;
            foreach (ZipArchiveEntry entry in source.Entries)
            {
                using MemoryStream content = new();
                using (Stream s = entry.Open())
                {
                    s.CopyTo(content);
                }

                byte[] bytes = content.ToArray();
                if (match(entry.FullName))
                {
                    bytes = change(bytes);
                    changed++;
                }

                using Stream t = target.CreateEntry(entry.FullName).Open();
                t.Write(bytes);
            }

            Assert.Equal(1, changed);
        }

        return output.ToArray();
    }
}
