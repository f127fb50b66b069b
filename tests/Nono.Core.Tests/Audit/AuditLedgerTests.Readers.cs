using Nono.Core.Audit;
using Nono.Core.Snapshots.Native;
using Nono.Testing;

namespace Nono.Core.Tests.Audit;

public sealed partial class AuditLedgerTests
{
    [Fact]
    public async Task ReadBytes_AppendInProgress_WaitsForItAndSeesTheWholeLine()
    {
        // Appends write in place under the lock; a whole-ledger reader (audit verify) that did not wait could see the
        // half-written line below and report the chain as broken.
        using TempDirectory temp = new();
        using TempDirectory scratch = new();
        CancellationToken ct = TestContext.Current.CancellationToken;
        await AppendAsync(temp.Path, 2, ct);
        byte[] before = File.ReadAllBytes(LedgerPath(temp.Path));
        File.Copy(LedgerPath(temp.Path), LedgerPath(scratch.Path));
        await AuditLedger.AppendAsync(scratch.Path, Entry("next"), ct);
        byte[] nextLine = File.ReadAllBytes(LedgerPath(scratch.Path))[before.Length..];

        string lockPath = Path.Combine(temp.Path, ".ledger.lock");
        Task<byte[]> reader;
        using (FileStream exclusive = new(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            int half = nextLine.Length / 2;
            await using (FileStream ledger = new(LedgerPath(temp.Path), FileMode.Append))
            {
                ledger.Write(nextLine.AsSpan(0, half));
            }

            reader = Task.Run(() => AuditLedger.ReadBytes(temp.Path), ct);
            await WaitUntilSomeoneWaitsForAsync(lockPath, reader, ct);
            await using (FileStream ledger = new(LedgerPath(temp.Path), FileMode.Append))
            {
                ledger.Write(nextLine.AsSpan(half));
            }
        }

        byte[] read = await reader;
        Assert.Equal([.. before, .. nextLine], read);
        Assert.Empty(AuditLedger.Read(read).Problems);
    }

    [Fact]
    public void ReadBytes_NoLockFileOrNoLedger_ReadsWithoutWaiting()
    {
        // A copied session folder has a ledger but no lock file; an empty audit root has neither.
        using TempDirectory temp = new();
        Assert.Empty(AuditLedger.ReadBytes(temp.Path));
        File.WriteAllText(LedgerPath(temp.Path), "x\n");
        Assert.Equal("x\n"u8.ToArray(), AuditLedger.ReadBytes(temp.Path));
    }

    /// <summary>Waits (for a condition, not a time) until /proc/locks shows a blocked request on the lock file.</summary>
    private static async Task WaitUntilSomeoneWaitsForAsync(string lockPath, Task reader, CancellationToken ct)
    {
        ulong inode;
        using (SafeFd fd = Fs.OpenDirectory(Path.GetDirectoryName(lockPath)!))
        {
            Assert.True(Fs.TryStatAt(fd, Path.GetFileName(lockPath), out FileStatus status, out _));
            inode = status.Inode;
        }

        string marker = $":{inode} ";
        for (int polls = 0; ; polls++)
        {
            Assert.False(reader.IsCompleted, "the reader finished while an append held the lock");
            if (File.ReadLines("/proc/locks").Any(l => l.Contains("->", StringComparison.Ordinal) && l.Contains(marker, StringComparison.Ordinal)))
            {
                return;
            }

            Assert.True(polls < 30_000, "the reader never asked for the ledger lock");
            await Task.Delay(1, ct);
        }
    }
}
