using Nono.Core.Diagnostics;
using Nono.Core.Snapshots;
using Nono.Testing;

namespace Nono.Core.Tests.Snapshots;

/// <summary>How restore errors name their file: <see cref="Restorer.Placed"/> rewords only the entry's own name, and a staged file that cannot be opened is named in the staging area.</summary>
public sealed class RestorePlacementTests
{
    [Theory]
    [InlineData("a", "a changed type: a was a file", "/w/two/a changed type: a was a file")]
    [InlineData("a", "a: a broke", "/w/two/a: a broke")]
    [InlineData("a", "a", "/w/two/a")]
    [InlineData("ab", "abc is not ab", "/w/two/ab: abc is not ab")] // "ab" is no whole word at the start: nothing inside is replaced
    [InlineData("a", "cannot read a here", "/w/two/a: cannot read a here")]
    public void Placed_MessageWithoutErrno_ReplacesOnlyTheLeadingName(string shown, string message, string expected)
    {
        NonoException failure = new(NonoErrorCode.Io, message, shown);

        NonoException placed = Restorer.Placed("/w/two", "", shown, failure);

        Assert.Equal(expected, placed.Message);
        Assert.Equal("/w/two/" + shown, placed.Path);
    }

    /// <summary>
    /// Large content used by two files is staged once and copied from the staging area into each; the staged file is
    /// removed after the verify (a real ENOENT from openat). The error names the staging file, no temp name is left in
    /// the tree, and a rerun (which stages again) restores the tree exactly.
    /// </summary>
    [Fact]
    public async Task Restore_StagedSharedContentGone_NamesTheStagingFileLeavesNoTempNameAndRerunRestores()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        byte[] big = [.. Enumerable.Range(0, 2 * Restorer.DirectLimit).Select(i => (byte)(i * 7))];
        string hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(big));
        Directory.CreateDirectory(fx.Path("c"));
        File.WriteAllBytes(fx.Path("c", "one.bin"), big);
        File.WriteAllBytes(fx.Path("c", "two.bin"), big);
        SnapshotSession session = fx.Begin();
        await session.TakeSnapshotAsync(cancellationToken: ct);
        string snapshotted = await TreeListing.CaptureAsync(fx.Root);
        File.Delete(fx.Path("c", "one.bin"));
        File.Delete(fx.Path("c", "two.bin"));
        string staged = Path.Combine(fx.StateRoot, "objects", "tmp", "restore-session", hash);
        bool wasStaged = false;

        NonoException ex;
        using (Restorer restorer = new(session, null) { AfterVerify = () => { wasStaged = File.Exists(staged); File.Delete(staged); } })
        {
            ex = Assert.Throws<NonoException>(() => restorer.Restore(0, dryRun: false, ct));
        }

        Assert.True(wasStaged, "the shared large object was not staged where the test looked");
        Assert.Equal($"openat {staged}: No such file or directory", ex.Message);
        Assert.Equal(staged, ex.Path);
        Assert.Empty(Directory.EnumerateFileSystemEntries(fx.Path("c"))); // stopped before creating a temp file
        Assert.False(Directory.Exists(Path.GetDirectoryName(staged))); // the staging area is removed on failure too

        await session.RestoreAsync(0, cancellationToken: ct);
        Assert.Equal(snapshotted, await TreeListing.CaptureAsync(fx.Root));
    }
}
