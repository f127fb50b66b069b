using Nono.Core.Diagnostics;
using Nono.Core.Snapshots;

namespace Nono.Core.Tests.Snapshots;

/// <summary>Real failures (renameat over an immutable file): a large (staged) file is named by its absolute path once, not its parent twice; a hostile name is escaped.</summary>
public sealed class RestoreStagedFileErrorTests
{
    [Fact]
    public async Task Restore_StagedFileImmutable_NamesTheFileByItsAbsolutePath()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        Directory.CreateDirectory(fx.Path("c"));
        File.WriteAllBytes(fx.Path("c", "big.bin"), [.. Enumerable.Range(0, 2 * Restorer.DirectLimit).Select(i => (byte)(i * 13))]);
        SnapshotSession session = fx.Begin();
        await session.TakeSnapshotAsync(cancellationToken: ct);
        File.WriteAllText(fx.Path("c", "big.bin"), "changed, so the restore writes it");

        Assert.SkipUnless(Environment.UserName == "root" && Chattr("+i", fx.Path("c", "big.bin")), "needs root and a file system with chattr +i");
        NonoException ex;
        try
        {
            using Restorer restorer = new(session, null);
            ex = Assert.Throws<NonoException>(() => restorer.Restore(0, dryRun: false, ct)); // renameat over an immutable file: EPERM
        }
        finally
        {
            Chattr("-i", fx.Path("c", "big.bin"));
        }

        Assert.StartsWith($"renameat {fx.Path("c", "big.bin")}: ", ex.Message, StringComparison.Ordinal);
        Assert.Equal(fx.Path("c", "big.bin"), ex.Path);
        Assert.Equal("changed, so the restore writes it", File.ReadAllText(fx.Path("c", "big.bin")));
    }

    [Fact]
    public async Task Restore_HostileNameInAnError_IsEscaped()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using SnapshotFixture fx = new();
        string hostile = "a\u202Etxt.exe\u0085\u009B2J\u2028ok"; // bidi override, C1 NEL and CSI, line separator
        File.WriteAllText(fx.Path(hostile), "snapshot");
        SnapshotSession session = fx.Begin();
        await session.TakeSnapshotAsync(cancellationToken: ct);
        File.WriteAllText(fx.Path(hostile), "changed");

        Assert.SkipUnless(Environment.UserName == "root" && Chattr("+i", fx.Path(hostile)), "needs root and a file system with chattr +i");
        NonoException ex;
        try
        {
            using Restorer restorer = new(session, null);
            ex = Assert.Throws<NonoException>(() => restorer.Restore(0, dryRun: false, ct));
        }
        finally
        {
            Chattr("-i", fx.Path(hostile));
        }

        Assert.Contains("a\\xe2\\x80\\xaetxt.exe\\xc2\\x85\\xc2\\x9b2J\\xe2\\x80\\xa8ok", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ex.Message, c => c is '\u202E' or '\u0085' or '\u009B' or '\u2028');
    }

    private static bool Chattr(string flag, string path)
    {
        using System.Diagnostics.Process p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("chattr", [flag, path]) { RedirectStandardError = true })!;
        p.WaitForExit();
        return p.ExitCode == 0;
    }
}
