using System.Security.Cryptography;
using Nono.Core.Snapshots;
using Nono.Testing;

namespace Nono.Core.Tests.Snapshots;

public sealed class SnapshotContentTests
{
    [Fact]
    public async Task Restore_NonUtf8NewlineAndSpaceNames_RoundTripByteForByte()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        const string make = """
            import os, sys
            r = os.fsencode(sys.argv[1])
            os.mkdir(os.path.join(r, b'dir \xff\xfe'))
            open(os.path.join(r, b'dir \xff\xfe', b'latin1-\xe9t\xe9'), 'wb').write(b'caf\xe9')
            open(os.path.join(r, b'line\nbreak'), 'wb').write(b'nl')
            open(os.path.join(r, b'  spaced  '), 'wb').write(b'sp')
            os.symlink(b'target-\x80\x81', os.path.join(r, b'link\xc3'))
            """;
        Assert.Equal(0, (await ProcessRunner.RunAsync("/usr/bin/python3", ["-c", make, fx.Root], cancellationToken: ct)).ExitCode);
        string baseline = await TreeListing.CaptureAsync(fx.Root);
        SnapshotSession session = fx.Begin();
        await session.TakeSnapshotAsync(cancellationToken: ct);

        Assert.Equal(0, (await ProcessRunner.RunAsync("/bin/sh", ["-c", "rm -rf ./* ./.??* 2>/dev/null; echo x > other", ], workingDirectory: fx.Root, cancellationToken: ct)).ExitCode);
        SnapshotSession reopened = fx.Store.OpenSession("session"); // from disk: names come back from the manifest
        await reopened.RestoreAsync(0, cancellationToken: ct);
        SnapshotDiff diff = await reopened.DiffAsync(0, 0, cancellationToken: ct);

        Assert.Equal(baseline, await TreeListing.CaptureAsync(fx.Root));
        Assert.Contains("dir \\xff\\xfe", baseline.Replace("\\\\", "\\", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Empty(diff.Changes);
    }

    [Fact]
    public async Task Snapshot_LargeFile_IsStreamedAndRestoredExactly()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        byte[] big = new byte[40 * 1024 * 1024];
        new Random(7).NextBytes(big.AsSpan(0, big.Length / 2)); // half random, half zeros
        File.WriteAllBytes(fx.Path("big.bin"), big);
        SnapshotSession session = fx.Begin();
        SnapshotInfo info = await session.TakeSnapshotAsync(cancellationToken: ct);

        File.WriteAllText(fx.Path("big.bin"), "truncated by the agent");
        await session.RestoreAsync(0, cancellationToken: ct);

        Assert.Equal(big.Length, info.TotalBytes);
        Assert.Equal(SHA256.HashData(big), SHA256.HashData(File.ReadAllBytes(fx.Path("big.bin"))));
        Assert.True(new FileInfo(fx.ObjectPathFor(big)).Length < big.Length * 3L / 4, "zeros should compress");
    }

    [Fact]
    public async Task Snapshot_UnchangedTree_ReadsNoFileAndOneChangedFileOnlyThatOne()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        for (int i = 0; i < 50; i++)
        {
            File.WriteAllText(fx.Path($"f{i}.txt"), $"content {i}");
        }

        SnapshotSession session = fx.Begin(new SnapshotOptions { RacyWindow = TimeSpan.Zero });
        SnapshotInfo first = await session.TakeSnapshotAsync(cancellationToken: ct);
        SnapshotInfo unchanged = await session.TakeSnapshotAsync(cancellationToken: ct);
        File.WriteAllText(fx.Path("f7.txt"), "content 8"); // same size
        SnapshotInfo oneChanged = await session.TakeSnapshotAsync(cancellationToken: ct);
        SnapshotSession next = fx.Begin(new SnapshotOptions { RacyWindow = TimeSpan.Zero }, "next");
        SnapshotInfo nextSession = await next.TakeSnapshotAsync(cancellationToken: ct);

        Assert.Equal(50, first.FilesRead);
        Assert.Equal(0, unchanged.FilesRead);
        Assert.Equal(first.MerkleRoot, unchanged.MerkleRoot);
        Assert.Equal(1, oneChanged.FilesRead);
        Assert.NotEqual(first.MerkleRoot, oneChanged.MerkleRoot);
        Assert.Equal(0, nextSession.FilesRead); // a new session over the same root reuses the last manifest as cache
    }

    [Fact]
    public async Task Snapshot_FileRewrittenWithSameSizeAndMtimeRightAfterSnapshot_IsReadAgain()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        File.WriteAllText(fx.Path("racy"), "aaaa");
        DateTime mtime = File.GetLastWriteTimeUtc(fx.Path("racy"));
        SnapshotSession session = fx.Begin();
        await session.TakeSnapshotAsync(cancellationToken: ct);

        // Possibly within the same clock tick: size and mtime equal, ctime may be too.
        File.WriteAllText(fx.Path("racy"), "bbbb");
        File.SetLastWriteTimeUtc(fx.Path("racy"), mtime);
        SnapshotInfo second = await session.TakeSnapshotAsync(cancellationToken: ct);
        SnapshotDiff diff = await session.DiffAsync(0, 1, cancellationToken: ct);

        Assert.Equal(1, second.FilesRead);
        Assert.Equal(ChangeKind.Modified, Assert.Single(diff.Changes).Kind);
    }

    [Fact]
    public async Task Snapshot_FileChangedWithinRacyWindow_IsNotTrustedFromCache()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        File.WriteAllText(fx.Path("fresh"), "just written");
        SnapshotSession session = fx.Begin(new SnapshotOptions { RacyWindow = TimeSpan.FromHours(1) });
        await session.TakeSnapshotAsync(cancellationToken: ct);

        SnapshotInfo second = await session.TakeSnapshotAsync(cancellationToken: ct);

        Assert.Equal(0, session.LoadManifest(0).Roots[0].Entries.Single(e => e.Raw == "fresh").CtimeNs);
        Assert.Equal(1, second.FilesRead);
    }

    [Fact]
    public async Task Snapshot_IdenticalContent_IsStoredOnceAcrossFilesAndSessions()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        File.WriteAllText(fx.Path("a"), "same bytes");
        File.WriteAllText(fx.Path("b"), "same bytes");
        await fx.Begin().TakeSnapshotAsync(cancellationToken: ct);
        File.WriteAllText(fx.Path("c"), "same bytes");
        await fx.Begin(new SnapshotOptions { CompressionLevel = 9 }, "other").TakeSnapshotAsync(cancellationToken: ct);

        using ObjectStore store = new(Path.Combine(fx.StateRoot, "objects"), 3);
        Assert.Single(store.EnumerateHashes());
        Assert.Equal(1, store.EnumerateLooseHashes().Count() + store.Packs.Packs.Sum(p => p.Entries.Count));
    }

    [Fact]
    public async Task Restore_DefaultExcludes_AreNotTrackedOrTouchedUnlessIncluded()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        Directory.CreateDirectory(fx.Path("node_modules", "pkg"));
        Directory.CreateDirectory(fx.Path(".git"));
        Directory.CreateDirectory(fx.Path("src", "obj"));
        File.WriteAllText(fx.Path(".git", "HEAD"), "ref: main");
        File.WriteAllText(fx.Path("src", "main.c"), "int main;");
        File.WriteAllText(fx.Path("src", "app.log"), "log");
        SnapshotSession session = fx.Begin(new SnapshotOptions { IncludePatterns = [".git"], ExcludePatterns = ["*.log"] });
        SnapshotInfo info = await session.TakeSnapshotAsync(cancellationToken: ct);

        File.WriteAllText(fx.Path("node_modules", "pkg", "index.js"), "installed during the run");
        File.WriteAllText(fx.Path("src", "obj", "main.o"), "built");
        File.WriteAllText(fx.Path("src", "app.log"), "more log");
        File.WriteAllText(fx.Path(".git", "HEAD"), "ref: evil");
        await session.RestoreAsync(0, cancellationToken: ct);

        Assert.Equal(2, info.Files); // .git/HEAD and src/main.c
        Assert.Equal("installed during the run", File.ReadAllText(fx.Path("node_modules", "pkg", "index.js")));
        Assert.Equal("built", File.ReadAllText(fx.Path("src", "obj", "main.o")));
        Assert.Equal("more log", File.ReadAllText(fx.Path("src", "app.log")));
        Assert.Equal("ref: main", File.ReadAllText(fx.Path(".git", "HEAD")));
    }

    [Fact]
    public async Task Restore_SetuidBit_IsDroppedOtherBitsKept()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        File.WriteAllText(fx.Path("tool"), "#!/bin/sh");
        File.SetUnixFileMode(fx.Path("tool"), UnixFileMode.SetUser | UnixFileMode.SetGroup | (UnixFileMode)0b111_101_101);
        SnapshotSession session = fx.Begin();
        await session.TakeSnapshotAsync(cancellationToken: ct);
        File.Delete(fx.Path("tool"));

        await session.RestoreAsync(0, cancellationToken: ct);

        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(fx.Path("tool")));
    }

    [Fact]
    public async Task Restore_AsRoot_RecreatesEntriesWithRecordedOwner()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        Assert.SkipUnless(ProcessRunner.IsRoot, "restoring ownership needs root");
        using SnapshotFixture fx = new();
        Directory.CreateDirectory(fx.Path("agent-dir"));
        File.WriteAllText(fx.Path("agent-dir", "agent-file"), "owned by nobody");
        Assert.Equal(0, (await ProcessRunner.RunAsync("chown", ["-R", "65534:65534", fx.Path("agent-dir")], cancellationToken: ct)).ExitCode);
        string baseline = await TreeListing.CaptureAsync(fx.Root);
        SnapshotSession session = fx.Begin();
        await session.TakeSnapshotAsync(cancellationToken: ct);
        Directory.Delete(fx.Path("agent-dir"), recursive: true);

        await session.RestoreAsync(0, cancellationToken: ct);
        ProcessResult owners = await ProcessRunner.RunAsync("stat", ["-c", "%u:%g", fx.Path("agent-dir"), fx.Path("agent-dir", "agent-file")], cancellationToken: ct);

        Assert.Equal(baseline, await TreeListing.CaptureAsync(fx.Root));
        Assert.Equal("65534:65534\n65534:65534\n", owners.StandardOutput);
    }

    [Fact]
    public void Begin_BadRootsAndOverlaps_ReportsEveryProblemAtOnce()
    {
        using SnapshotFixture fx = new();
        Directory.CreateDirectory(fx.Path("inner"));

        Diagnostics.NonoException ex = Assert.Throws<Diagnostics.NonoException>(() =>
            SnapshotSession.Begin(fx.Store, "s", [fx.Root, fx.Path("inner"), "relative/path", fx.Path("missing")], new SnapshotOptions()));

        Assert.Contains("overlap", ex.Message, StringComparison.Ordinal);
        Assert.Contains("relative/path", ex.Message, StringComparison.Ordinal);
        Assert.Contains("missing", ex.Message, StringComparison.Ordinal);
        Assert.Throws<Diagnostics.NonoException>(() => SnapshotSession.Begin(fx.Store, "../escape", [fx.Root], new SnapshotOptions()));
    }
}
