namespace Nono.Core.Tests.Snapshots;

/// <summary>Directories of small text files with distinct content, for restore tests that damage or count single files.</summary>
internal static class SmallFileTree
{
    /// <summary>Writes <paramref name="files"/> files into each of <paramref name="directories"/>; returns content by relative path.</summary>
    public static Dictionary<string, byte[]> Write(SnapshotFixture fx, int files, params string[] directories)
    {
        Dictionary<string, byte[]> contents = [];
        foreach (string dir in directories)
        {
            Directory.CreateDirectory(fx.Path(dir));
            for (int i = 0; i < files; i++)
            {
                string relative = Path.Combine(dir, $"f{i:D3}.txt");
                byte[] content = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat($"{relative} line {i}\n", 1 + (i * 37 % 200))));
                File.WriteAllBytes(fx.Path(relative), content);
                contents[relative] = content;
            }
        }

        return contents;
    }
}
