using Nono.Testing;
using System.Diagnostics;
using Nono.Core.Diagnostics;
using Nono.Core.Snapshots;

namespace Nono.Core.Tests.Snapshots;

/// <summary>A live attacker keeps swapping a directory for a symlink out of the root while restores run.</summary>
public sealed class RestoreRaceTests
{
    private const string Attacker = """
        import os, sys, time
        root, outside = sys.argv[1], sys.argv[2]
        os.chdir(root)
        n = 0
        while True:
            try:
                os.rename('dir', 'dir.swapped')
                n += 1
                with open('dir.swapped/f%d' % (n % 40), 'w') as f:
                    f.write('tampered')
                os.symlink(outside, 'dir')
                time.sleep(0.002)
                os.unlink('dir')
                os.rename('dir.swapped', 'dir')
            except OSError:
                pass
        """;

    [Fact]
    public async Task Restore_WhileDirectoryIsSwappedForSymlink_NeverTouchesOutsideAndCompletesAfterwards()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await RaceAsync(session => session.RestoreAsync(0, cancellationToken: ct), ct);
    }

    /// <summary>Restores 25 times while the attacker runs, then once more; the outside tree must be untouched and the root restored.</summary>
    internal static async Task RaceAsync(Func<SnapshotSession, Task> restore, CancellationToken ct)
    {
        using SnapshotFixture fx = new();
        Directory.CreateDirectory(fx.Path("dir", "sub"));
        for (int i = 0; i < 40; i++)
        {
            File.WriteAllText(fx.Path("dir", $"f{i}"), $"inside {i}");
            File.WriteAllText(fx.Path("dir", "sub", $"g{i}"), $"deep {i}");
        }

        Directory.CreateDirectory(Path.Combine(fx.Outside, "sub"));
        File.WriteAllText(Path.Combine(fx.Outside, "f0"), "outside, must survive");
        string baseline = await TreeListing.CaptureAsync(fx.Root);
        string outside = await TreeListing.CaptureAsync(fx.Outside);
        SnapshotSession session = fx.Begin();
        await session.TakeSnapshotAsync(cancellationToken: ct);

        int completed = 0;
        int refused = 0;
        using (Process attacker = Process.Start(new ProcessStartInfo("/usr/bin/python3", ["-c", Attacker, fx.Root, fx.Outside]))!)
        {
            try
            {
                for (int round = 0; round < 25; round++)
                {
                    try
                    {
                        await restore(session);
                        completed++;
                    }
                    catch (NonoException)
                    {
                        refused++; // a component changed under us: restore stops, a rerun finishes the job
                    }
                }
            }
            finally
            {
                attacker.Kill();
                await attacker.WaitForExitAsync(ct);
            }
        }

        if (Directory.Exists(fx.Path("dir.swapped")))
        {
            Directory.Delete(fx.Path("dir.swapped"), recursive: true);
        }

        await restore(session);

        Assert.Equal(outside, await TreeListing.CaptureAsync(fx.Outside));
        Assert.Equal(baseline, await TreeListing.CaptureAsync(fx.Root));
        TestContext.Current.TestOutputHelper?.WriteLine($"{completed} restores completed, {refused} refused mid-way");
    }
}
