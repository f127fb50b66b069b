using Nono.Core.Diagnostics;
using Nono.Core.Snapshots;
using Nono.Testing;

namespace Nono.Core.Tests.Snapshots;

/// <summary>
/// Two roots missing at plan time: the first (<c>made/deep/ws</c>, its parents missing too) is created, then the second
/// fails (a file put where its missing parent goes, through <see cref="Restorer.AfterVerify"/>), so the restore takes the
/// first back. Another process may have swapped what was made before the take-back (<see cref="Restorer.BeforeTakeBack"/>):
/// the take-back removes only the directories it made, by their dev/inode in the parent it held, and never follows a link.
/// </summary>
public sealed class RestoreTakeBackTests
{
    [Fact]
    public async Task Restore_SecondRootRefusedAfterTheFirstWasCreated_TakesBackTheFirstRootAndItsMissingParents()
    {
        using TakeBackFixture fx = await TakeBackFixture.CreateAsync();

        NonoException ex = fx.Restore(beforeTakeBack: () => Assert.True(Directory.Exists(fx.First))); // it was made, so there is something to take back

        Assert.Contains(fx.SecondParent, ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(fx.Made)); // the root and both parents it made are gone
        Assert.True(Directory.Exists(fx.Temp.Path));
    }

    [Fact]
    public async Task Restore_CreatedRootSwappedForAnotherEmptyDirectoryBeforeTakeBack_LeavesTheOtherDirectory()
    {
        using TakeBackFixture fx = await TakeBackFixture.CreateAsync();
        string moved = fx.Temp.Combine("moved");

        fx.Restore(beforeTakeBack: () =>
        {
            Directory.Move(fx.First, moved);
            Directory.CreateDirectory(fx.First); // empty, ours by uid: only its inode tells it apart
        });

        Assert.True(Directory.Exists(fx.First)); // not the directory the restore made: left, and so are its parents
        Assert.True(Directory.Exists(moved)); // the one it made was moved out of the parent it held: not chased
    }

    [Fact]
    public async Task Restore_CreatedRootSwappedForASymlinkBeforeTakeBack_NeitherLinkNorTargetIsRemoved()
    {
        using TakeBackFixture fx = await TakeBackFixture.CreateAsync();
        string target = fx.Temp.Combine("outside-empty");
        Directory.CreateDirectory(target);

        fx.Restore(beforeTakeBack: () =>
        {
            Directory.Delete(fx.First);
            File.CreateSymbolicLink(fx.First, target);
        });

        Assert.Equal(target, new FileInfo(fx.First).LinkTarget);
        Assert.True(Directory.Exists(target));
    }

    [Fact]
    public async Task Restore_CreatedParentSwappedForASymlinkBeforeTakeBack_IsNotFollowed()
    {
        using TakeBackFixture fx = await TakeBackFixture.CreateAsync();
        string outside = fx.Temp.Combine("outside");
        Directory.CreateDirectory(Path.Combine(outside, "ws")); // an empty directory at the same relative name: rmdir by path would remove it
        string deep = Path.GetDirectoryName(fx.First)!;
        string moved = fx.Temp.Combine("moved-deep");

        fx.Restore(beforeTakeBack: () =>
        {
            Directory.Move(deep, moved);
            File.CreateSymbolicLink(deep, outside);
        });

        Assert.True(Directory.Exists(Path.Combine(outside, "ws")));
        Assert.Equal(outside, new FileInfo(deep).LinkTarget);
        Assert.False(Directory.Exists(Path.Combine(moved, "ws"))); // the root it made, taken back inside the moved parent
    }

    /// <summary>Roots <c>made/deep/ws</c> and <c>blocked/ws2</c>, snapshotted, then removed with their parents.</summary>
    private sealed class TakeBackFixture : IDisposable
    {
        private readonly SnapshotSession _session;

        private TakeBackFixture(TempDirectory temp, SnapshotSession session)
        {
            Temp = temp;
            _session = session;
        }

        public TempDirectory Temp { get; }

        public string Made => Temp.Combine("made");

        public string First => Temp.Combine("made", "deep", "ws");

        public string SecondParent => Temp.Combine("blocked");

        public static async Task<TakeBackFixture> CreateAsync()
        {
            TempDirectory temp = new("nono-takeback-");
            string first = temp.Combine("made", "deep", "ws");
            string second = temp.Combine("blocked", "ws2");
            Directory.CreateDirectory(first);
            Directory.CreateDirectory(second);
            File.WriteAllText(Path.Combine(first, "a.txt"), "first root");
            File.WriteAllText(Path.Combine(second, "b.txt"), "second root");
            SnapshotSession session = SnapshotSession.Begin(SnapshotStore.Open(temp.Combine("state")), "takeback", [first, second], new SnapshotOptions());
            await session.TakeSnapshotAsync(cancellationToken: TestContext.Current.CancellationToken);
            Directory.Delete(temp.Combine("made"), recursive: true);
            Directory.Delete(temp.Combine("blocked"), recursive: true);
            return new TakeBackFixture(temp, session);
        }

        /// <summary>Restores with a file put at the second root's missing parent after the plan; returns the refusal.</summary>
        public NonoException Restore(Action beforeTakeBack)
        {
            using Restorer restorer = new(_session, null)
            {
                AfterVerify = () => File.WriteAllText(SecondParent, "a file where a directory goes"),
                BeforeTakeBack = beforeTakeBack,
            };
            NonoException ex = Assert.Throws<NonoException>(() => restorer.Restore(0, dryRun: false, TestContext.Current.CancellationToken));
            Assert.DoesNotContain('\n', ex.Message);
            return ex;
        }

        public void Dispose() => Temp.Dispose();
    }
}
