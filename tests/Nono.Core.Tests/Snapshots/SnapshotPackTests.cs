using Nono.Core.Diagnostics;
using Nono.Core.Snapshots;
using Nono.Core.Snapshots.Packs;
using Nono.Testing;

namespace Nono.Core.Tests.Snapshots;

/// <summary>Small objects in pack files: layout, restore from packs, damaged packs, and loose objects next to packs.</summary>
public sealed class SnapshotPackTests
{
    [Fact]
    public async Task Snapshot_SmallObjectsGoIntoOnePack_LargeStayLoose_RestoreRebuildsADeletedTree()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        HashSet<string> small = PackTestTree.WriteSmallFiles(fx.Root, "src", 120, seed: 1);
        byte[] noise = new byte[300_000];
        new Random(2).NextBytes(noise); // incompressible: far over the pack limit, stays a loose object
        File.WriteAllBytes(fx.Path("noise.bin"), noise);
        File.WriteAllBytes(fx.Path("empty"), []);
        File.WriteAllText(fx.Path("tool.sh"), "#!/bin/sh\necho tool\n");
        File.SetUnixFileMode(fx.Path("tool.sh"), (UnixFileMode)0b111_101_101);
        File.WriteAllText(fx.Path("shared.conf"), "group-writable\n");
        File.SetUnixFileMode(fx.Path("shared.conf"), (UnixFileMode)0b110_110_100); // 0664: the umask (022) would drop g+w
        File.WriteAllText(fx.Path("readonly.txt"), "read only\n");
        File.SetUnixFileMode(fx.Path("readonly.txt"), UnixFileMode.UserRead);
        string baseline = await TreeListing.CaptureAsync(fx.Root);
        SnapshotSession session = fx.Begin();
        await session.TakeSnapshotAsync(cancellationToken: ct);

        using (ObjectStore objects = fx.OpenObjects())
        {
            Pack pack = Assert.Single(objects.Packs.Packs);
            Assert.Subset(pack.Entries.Select(e => e.Hash).ToHashSet(), small);
            Assert.Equal(small.Count + 4, pack.Entries.Count); // the small files, empty, tool.sh, shared.conf, readonly.txt
            Assert.Equal(PackTestTree.Hash(noise), Assert.Single(objects.EnumerateLooseHashes()));
        }

        File.SetUnixFileMode(fx.Path("readonly.txt"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Directory.Delete(fx.Root, recursive: true);
        RestoreResult result = await session.RestoreAsync(0, cancellationToken: ct);

        Assert.Equal(baseline, await TreeListing.CaptureAsync(fx.Root));
        Assert.True((await session.VerifyAsync(ct)).Ok);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(fx.StateRoot, "objects", "tmp")));
        Assert.Equal(small.Count + 5, result.Actions.Count(a => a.Action == "write"));
    }

    [Fact]
    public async Task Restore_AsRoot_IntoADirectoryMadeSetGroupId_GivesTheFileItsRecordedGroup()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        Assert.SkipUnless(ProcessRunner.IsRoot, "needs root to own files as another group");
        using SnapshotFixture fx = new();
        Directory.CreateDirectory(fx.Path("shared"));
        File.WriteAllText(fx.Path("shared", "f"), "owned by root:root\n");
        File.WriteAllText(fx.Path("shared", "g"), "owned by root:nogroup\n");
        Assert.Equal(0, (await ProcessRunner.RunAsync("chgrp", ["65534", fx.Path("shared", "g")], cancellationToken: ct)).ExitCode);
        SnapshotSession session = fx.Begin();
        await session.TakeSnapshotAsync(cancellationToken: ct);

        // The sandboxed process hands the directory to another group with set-group-id and deletes the files.
        File.Delete(fx.Path("shared", "f"));
        File.Delete(fx.Path("shared", "g"));
        Assert.Equal(0, (await ProcessRunner.RunAsync("chgrp", ["65534", fx.Path("shared")], cancellationToken: ct)).ExitCode);
        File.SetUnixFileMode(fx.Path("shared"), (UnixFileMode)0b010_111_101_101); // 02755
        await session.RestoreAsync(0, cancellationToken: ct);

        ProcessResult owners = await ProcessRunner.RunAsync("stat", ["-c", "%n %u:%g %a", fx.Path("shared"), fx.Path("shared", "f"), fx.Path("shared", "g")], cancellationToken: ct);
        Assert.Equal($"{fx.Path("shared")} 0:0 755\n{fx.Path("shared", "f")} 0:0 644\n{fx.Path("shared", "g")} 0:65534 644\n", owners.StandardOutput);
    }

    [Theory]
    [InlineData("flip-data")]
    [InlineData("truncate-data")]
    [InlineData("delete-data")]
    [InlineData("flip-index")]
    [InlineData("delete-index")]
    public async Task Restore_DamagedPack_RefusesWithClearMessageAndChangesNothing(string damage)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        byte[] precious = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("precious line\n", 500)));
        File.WriteAllBytes(fx.Path("precious.txt"), precious);
        File.WriteAllText(fx.Path("other.txt"), "other");
        SnapshotSession session = fx.Begin();
        await session.TakeSnapshotAsync(cancellationToken: ct);
        File.WriteAllText(fx.Path("precious.txt"), "ruined");
        File.Delete(fx.Path("other.txt"));
        File.WriteAllText(fx.Path("created.txt"), "new");
        string damaged = await TreeListing.CaptureAsync(fx.Root);
        PackTestTree.Damage(fx, PackTestTree.Hash(precious), damage);

        NonoException ex = await Assert.ThrowsAsync<NonoException>(() => session.RestoreAsync(0, cancellationToken: ct));
        VerifyResult verify = await session.VerifyAsync(ct);

        Assert.Equal(NonoErrorCode.VerificationFailed, ex.Code);
        Assert.Contains("corrupt", ex.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was changed", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Equal(damaged, await TreeListing.CaptureAsync(fx.Root));
        Assert.False(verify.Ok);
        Assert.Contains(verify.Problems, p => p.Contains(PackTestTree.Hash(precious)[..16], StringComparison.Ordinal) || p.StartsWith("pack ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Store_LooseObjectsWrittenBeforePacking_StayReadableNextToPacks()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        PackTestTree.WriteSmallFiles(fx.Root, "a", 40, seed: 5);
        string first = await TreeListing.CaptureAsync(fx.Root);
        SnapshotSession loose = fx.Begin(new SnapshotOptions { PackSmallObjects = false });
        await loose.TakeSnapshotAsync(cancellationToken: ct);
        PackTestTree.WriteSmallFiles(fx.Root, "b", 40, seed: 6);
        File.WriteAllText(fx.Path("a", "f0"), "edited");
        string second = await TreeListing.CaptureAsync(fx.Root);
        SnapshotSession packed = fx.Store.OpenSession("session"); // options from disk: packing on
        await packed.TakeSnapshotAsync(cancellationToken: ct);

        await packed.RestoreAsync(0, cancellationToken: ct);
        string back = await TreeListing.CaptureAsync(fx.Root);
        await packed.RestoreAsync(1, cancellationToken: ct);

        Assert.Equal(first, back);
        Assert.Equal(second, await TreeListing.CaptureAsync(fx.Root));
        Assert.True((await packed.VerifyAsync(ct)).Ok);
        using ObjectStore objects = fx.OpenObjects();
        Assert.Equal(40, objects.EnumerateLooseHashes().Count());
        Assert.Equal(41, Assert.Single(objects.Packs.Packs).Entries.Count);
    }
}
