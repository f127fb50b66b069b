using System.Buffers;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using Nono.Core.Diagnostics;
using Nono.Core.Snapshots.Native;

namespace Nono.Core.Audit;

/// <summary>
/// The append-only ledger of finished sessions (<c>ledger.ndjson</c> under the audit root). Each
/// line is <c>{"prev":"hex","hash":"hex","entry":{…}}</c> with
/// <c>hash = LedgerLink(prev, entry bytes)</c>, so removing, editing or reordering entries breaks
/// the chain (found by <see cref="Read(byte[])"/>, which <c>nono audit verify</c> runs over the whole file).
/// </summary>
/// <remarks>
/// An append costs the same at any ledger size: under an exclusive lock it reads only the file's tail, checks the
/// last link (its hash follows from its own <c>prev</c> and entry, its <c>prev</c> is the line before's hash, its
/// <c>seq</c> follows that line's) and writes one line after it. It does not re-verify the whole chain: the chain is
/// unkeyed, so it guards against accidents and edits that do not recompute the hashes after them, and a link added
/// after such a break does not hide it (verification walks from the genesis and still reports it); what an append
/// must not do is compute its link from a broken last link, and that is checked every time. A torn last line (a crash
/// or power loss during the write) is moved to a side file and cut off before the append, never chained onto.
/// </remarks>
internal static partial class AuditLedger
{
    private const UnixFileMode PrivateFile = FileModes.PrivateFile;

    /// <summary>Appends hold it exclusively (<see cref="AcquireLockAsync"/>); whole-ledger readers hold it shared.</summary>
    private const string LockFile = ".ledger.lock";

    public static async Task AppendAsync(string auditRoot, LedgerEntry entry, CancellationToken cancellationToken)
    {
        string path = Path.Combine(auditRoot, AuditFormat.LedgerFile);
        await using FileStream lockFile = await AcquireLockAsync(Path.Combine(auditRoot, LockFile), cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();

        // Synchronous: a few small reads and one write, and async file I/O would hop to the thread pool.
        FileStreamOptions options = FileModes.Options(FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite, PrivateFile);
        options.BufferSize = 0;
        using FileStream stream = new(path, options);
        SafeFileHandle ledger = stream.SafeFileHandle;
        LedgerTail tail = LedgerTail.Read(ledger);
        if (tail.LastProblem is { } problem)
        {
            // Never extend a broken chain: that would compute the new link from a value nobody can check.
            throw new NonoException(NonoErrorCode.StateCorrupt, $"audit ledger is corrupt: {problem}", path);
        }

        if (tail.TornBytes > 0)
        {
            SetTornTailAside(ledger, path, tail);
        }

        byte[] previous = tail.LastHash ?? AuditHashing.LedgerGenesis();
        entry = entry with { Seq = tail.LastSeq + 1 };
        byte[] line = FormatLine(previous, AuditJsonWriter.Ledger(entry));

        // One write(2) of the whole line at the end, then fsync: a crash leaves the old file or a torn tail, which the
        // next append sets aside.
        RandomAccess.Write(ledger, line, tail.CompleteLength);
        RandomAccess.FlushToDisk(ledger);
        if (tail.CompleteLength == 0)
        {
            // The first line may also be the file's creation: make its name durable too.
            AtomicFile.FlushDirectory(auditRoot);
        }
    }

    /// <summary>One ledger line, newline included, linking <paramref name="entryJson"/> to <paramref name="previous"/>.</summary>
    internal static byte[] FormatLine(byte[] previous, byte[] entryJson)
    {
        byte[] hash = AuditHashing.LedgerLink(previous, entryJson);
        ArrayBufferWriter<byte> buffer = new(entryJson.Length + 180);
        using (Utf8JsonWriter writer = new(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("prev", AuditHashing.Hex(previous));
            writer.WriteString("hash", AuditHashing.Hex(hash));
            writer.WritePropertyName("entry");
            writer.WriteRawValue(entryJson, skipInputValidation: true);
            writer.WriteEndObject();
        }

        return [.. buffer.WrittenSpan, (byte)'\n'];
    }

    /// <summary>
    /// Copies the unterminated tail to <c>ledger.ndjson.torn-&lt;offset&gt;-&lt;random&gt;</c> (durably) and only then cuts it
    /// off, so the bytes are kept for inspection but never become part of the chain.
    /// </summary>
    private static void SetTornTailAside(SafeFileHandle ledger, string path, LedgerTail tail)
    {
        byte[] torn = new byte[tail.TornBytes];
        int read = RandomAccess.Read(ledger, torn, tail.CompleteLength);
        string aside = $"{path}.torn-{tail.CompleteLength}-{Guid.NewGuid():N}";
        AtomicFile.WriteAsync(aside, torn.AsMemory(0, read), PrivateFile, CancellationToken.None).GetAwaiter().GetResult();
        // The side file's name must be on disk before the cut is: otherwise a crash could keep the cut and lose the bytes.
        AtomicFile.FlushDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        RandomAccess.SetLength(ledger, tail.CompleteLength);
    }

    private static async Task<FileStream> AcquireLockAsync(string path, CancellationToken cancellationToken)
    {
        // FileShare.None maps to flock(LOCK_EX | LOCK_NB) on Unix; concurrent sessions wait their turn.
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileModes.Options(FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, PrivateFile));
            }
            catch (IOException) when (attempt < 1500 && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(20, cancellationToken);
            }
        }
    }
}
