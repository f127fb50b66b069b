using System.IO.Compression;
using System.Text;
using Nono.Action.Review;
using Nono.Core.Diagnostics;
using Nono.Testing;

namespace Nono.Action.Tests.Review;

/// <summary>Hostile artifact zips (made in the test) are refused before anything lands outside the destination.</summary>
public sealed class ArtifactExtractorTests
{
    private const int SymlinkMode = 0xA1FF;
    private const int RegularMode = 0x81A4;

    [Fact]
    public async Task Extract_PlainArtifact_UnpacksFilesAndFolders()
    {
        using TempDirectory temp = new();
        string zip = Zip(temp, ("audit/s1/session.json", "{}", RegularMode), ("report.md", "# r", 0));

        await ArtifactExtractor.ExtractAsync(zip, temp.Combine("out"), new ExtractionLimits(), TestContext.Current.CancellationToken);

        Assert.Equal("{}", File.ReadAllText(temp.Combine("out", "audit", "s1", "session.json")));
        Assert.Equal("# r", File.ReadAllText(temp.Combine("out", "report.md")));
    }

    [Theory]
    [InlineData("../escaped.txt", "is not a plain relative path")]
    [InlineData("audit/../../escaped.txt", "is not a plain relative path")]
    [InlineData("/tmp/escaped.txt", "is not a plain relative path")]
    [InlineData("audit\\..\\escaped.txt", "is not a plain relative path")]
    [InlineData("audit//x", "is not a plain relative path")]
    public async Task Extract_ZipSlipName_IsRefusedAndNothingEscapes(string name, string reason)
    {
        using TempDirectory temp = new();
        string zip = Zip(temp, ("report.md", "ok", 0), (name, "pwned", 0));

        NonoException ex = await Assert.ThrowsAsync<NonoException>(() => ArtifactExtractor.ExtractAsync(zip, temp.Combine("a", "out"), new ExtractionLimits(), TestContext.Current.CancellationToken));

        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(temp.Combine("a", "escaped.txt")));
        Assert.False(File.Exists(temp.Combine("escaped.txt")));
        Assert.False(File.Exists("/tmp/escaped.txt"));
    }

    /// <summary>An entry name that moves the cursor up, clears the line and prints a fake verdict (review S1).</summary>
    [Theory]
    [InlineData(SymlinkMode)]
    [InlineData(-1)]
    public async Task Extract_EscapeSequenceInEntryName_MessageCarriesNoControlCharacters(int mode)
    {
        using TempDirectory temp = new();
        string name = "x\u001b[1A\u001b[2Ksession s: verified\u001b[8m\u202e\u0085";
        string zip = mode == -1 ? Zip(temp, (name, "a", 0), (name, "b", 0)) : Zip(temp, (name, "/etc", mode));

        NonoException ex = await Assert.ThrowsAsync<NonoException>(() => ArtifactExtractor.ExtractAsync(zip, temp.Combine("out"), new ExtractionLimits(), TestContext.Current.CancellationToken));

        Assert.Contains("'x?[1A?[2Ksession s: verified?[8m??'", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ex.Message, c => char.IsControl(c) || c == '\u202e');
    }

    [Fact]
    public async Task Extract_SymlinkEntry_IsRefused()
    {
        using TempDirectory temp = new();
        string zip = Zip(temp, ("audit", "/etc", SymlinkMode), ("audit/x", "through the link", 0));

        NonoException ex = await Assert.ThrowsAsync<NonoException>(() => ArtifactExtractor.ExtractAsync(zip, temp.Combine("out"), new ExtractionLimits(), TestContext.Current.CancellationToken));

        Assert.Contains("'audit' is a symbolic link", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(temp.Combine("out", "audit")));
    }

    [Fact]
    public async Task Extract_DuplicateEntry_IsRefused()
    {
        using TempDirectory temp = new();
        string zip = Zip(temp, ("report.md", "one", 0), ("report.md", "two", 0));

        NonoException ex = await Assert.ThrowsAsync<NonoException>(() => ArtifactExtractor.ExtractAsync(zip, temp.Combine("out"), new ExtractionLimits(), TestContext.Current.CancellationToken));

        Assert.Contains("appears twice", ex.Message, StringComparison.Ordinal);
        Assert.Equal("one", File.ReadAllText(temp.Combine("out", "report.md")));
    }

    [Theory]
    [InlineData(1000, 10_000, 10, "unpacks to more than 1000 bytes")]
    [InlineData(10_000, 3000, 10, "the artifact unpacks to more than 3000 bytes")]
    [InlineData(10_000, 10_000, 2, "3 entries, more than 2")]
    public async Task Extract_OverTheLimits_IsRefused(long maxFile, long maxTotal, int maxEntries, string reason)
    {
        using TempDirectory temp = new();
        string big = new('x', 1500);
        string zip = Zip(temp, ("a", big, 0), ("b", big, 0), ("c", big, 0));
        ExtractionLimits limits = new() { MaxFileBytes = maxFile, MaxTotalBytes = maxTotal, MaxEntries = maxEntries };

        NonoException ex = await Assert.ThrowsAsync<NonoException>(() => ArtifactExtractor.ExtractAsync(zip, temp.Combine("out"), limits, TestContext.Current.CancellationToken));

        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    private static string Zip(TempDirectory temp, params (string Name, string Content, int Mode)[] entries)
    {
        string path = temp.Combine(Guid.NewGuid().ToString("N") + ".zip");
        using (ZipArchive zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            foreach ((string name, string content, int mode) in entries)
            {
                ZipArchiveEntry entry = zip.CreateEntry(name, CompressionLevel.Optimal);
                if (mode != 0)
                {
                    entry.ExternalAttributes = mode << 16;
                }

                using Stream s = entry.Open();
                s.Write(Encoding.UTF8.GetBytes(content));
            }
        }

        return path;
    }
}
