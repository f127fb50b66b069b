using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using Nono.Core.Diagnostics;

namespace Nono.Core.Audit;

/// <summary>
/// The append-only ledger of finished sessions (<c>ledger.ndjson</c> under the audit root). Each
/// line is <c>{"prev":"hex","hash":"hex","entry":{…}}</c> with
/// <c>hash = LedgerLink(prev, entry bytes)</c>, so removing, editing or reordering entries breaks
/// the chain. Appends take an exclusive lock and replace the file atomically.
/// </summary>
internal static class AuditLedger
{
    private const UnixFileMode PrivateFile = FileModes.PrivateFile;

    public static async Task AppendAsync(string auditRoot, LedgerEntry entry, CancellationToken cancellationToken)
    {
        string path = Path.Combine(auditRoot, AuditFormat.LedgerFile);
        await using FileStream lockFile = await AcquireLockAsync(Path.Combine(auditRoot, ".ledger.lock"), cancellationToken);
        // Synchronous: a small file, and async file I/O would hop to the thread pool.
        byte[] existing = File.Exists(path) ? File.ReadAllBytes(path) : [];
        LedgerReadResult current = Read(existing);
        if (current.Problems.Count > 0)
        {
            // Never extend a broken chain: that would launder the tampering into a "valid" suffix.
            throw new NonoException(NonoErrorCode.StateCorrupt, $"audit ledger is corrupt: {current.Problems[0]}", path);
        }

        byte[] previous = current.Records.Count == 0 ? AuditHashing.LedgerGenesis() : Convert.FromHexString(current.Records[^1].Hash);
        entry = entry with { Seq = current.Records.Count };
        byte[] entryJson = JsonSerializer.SerializeToUtf8Bytes(entry, AuditJsonContext.Default.LedgerEntry);
        byte[] hash = AuditHashing.LedgerLink(previous, entryJson);

        ArrayBufferWriter<byte> buffer = new();
        using (Utf8JsonWriter writer = new(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("prev", AuditHashing.Hex(previous));
            writer.WriteString("hash", AuditHashing.Hex(hash));
            writer.WritePropertyName("entry");
            writer.WriteRawValue(entryJson, skipInputValidation: true);
            writer.WriteEndObject();
        }

        byte[] content = [.. existing, .. buffer.WrittenSpan, (byte)'\n'];
        await AtomicFile.WriteAsync(path, content, PrivateFile, cancellationToken);
    }

    /// <summary>Reads and verifies the whole ledger chain, collecting every problem.</summary>
    public static LedgerReadResult Read(byte[] content)
    {
        List<LedgerRecord> records = [];
        List<string> problems = [];
        byte[] previous = AuditHashing.LedgerGenesis();
        int lineNumber = 0;
        foreach ((byte[] line, bool terminated) in AuditEventLog.ReadLines(content))
        {
            lineNumber++;
            if (!terminated)
            {
                problems.Add($"ledger line {lineNumber}: truncated (no newline)");
            }

            LedgerRecord? record = ParseLine(line);
            if (record is null)
            {
                problems.Add($"ledger line {lineNumber}: malformed");
                continue;
            }

            if (record.Previous != AuditHashing.Hex(previous))
            {
                problems.Add($"ledger line {lineNumber}: previous hash does not match line {lineNumber - 1}");
            }

            byte[] expected = AuditHashing.LedgerLink(Convert.FromHexString(record.Previous), record.EntryJson);
            if (record.Hash != AuditHashing.Hex(expected))
            {
                problems.Add($"ledger line {lineNumber}: hash does not match its entry");
            }

            if (record.Entry.Seq != lineNumber - 1)
            {
                problems.Add($"ledger line {lineNumber}: seq {record.Entry.Seq}, expected {lineNumber - 1}");
            }

            records.Add(record);
            previous = expected;
        }

        return new LedgerReadResult(records, problems);
    }

    public static LedgerReadResult Read(string auditRoot)
    {
        string path = Path.Combine(auditRoot, AuditFormat.LedgerFile);
        return Read(File.Exists(path) ? File.ReadAllBytes(path) : []);
    }

    private static LedgerRecord? ParseLine(byte[] line)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(line);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("prev", out JsonElement prev) || prev.GetString() is not { Length: 64 } prevHex
                || !root.TryGetProperty("hash", out JsonElement hash) || hash.GetString() is not { Length: 64 } hashHex
                || !root.TryGetProperty("entry", out JsonElement entry) || entry.ValueKind != JsonValueKind.Object
                || !IsHex(prevHex))
            {
                return null;
            }

            byte[] entryJson = JsonMarshal.GetRawUtf8Value(entry).ToArray();
            LedgerEntry? parsed = JsonSerializer.Deserialize(entryJson, AuditJsonContext.Default.LedgerEntry);
            return parsed is null ? null : new LedgerRecord(parsed, entryJson, prevHex, hashHex);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private static bool IsHex(string value)
    {
        foreach (char c in value)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
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
