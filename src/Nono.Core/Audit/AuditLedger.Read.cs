using System.Runtime.InteropServices;
using System.Text.Json;
using Nono.Core.Diagnostics;
using Nono.Core.Snapshots.Native;

namespace Nono.Core.Audit;

internal static partial class AuditLedger
{
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

            LedgerRecord? record = ParseLine(line, out string? problem);
            if (record is null)
            {
                problems.Add($"{AuditFormat.LedgerFile} line {lineNumber}: malformed: {problem}");
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

    public static LedgerReadResult Read(string auditRoot) => Read(ReadBytes(auditRoot));

    /// <summary>
    /// The ledger's bytes, read under a shared lock on the append lock: appends write in place, so without it a reader
    /// could see a line half-written, or a torn tail between being set aside and replaced, and report a break.
    /// </summary>
    public static byte[] ReadBytes(string auditRoot)
    {
        using SafeFd? shared = TryLockShared(auditRoot);
        try
        {
            return File.ReadAllBytes(Path.Combine(auditRoot, AuditFormat.LedgerFile));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return [];
        }
    }

    /// <summary>Null where there is no lock file to take (nothing was ever appended here, or a copied session folder).</summary>
    private static SafeFd? TryLockShared(string auditRoot)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        SafeFd directory;
        try
        {
            directory = Fs.OpenDirectory(Path.GetFullPath(auditRoot));
        }
        catch (NonoException)
        {
            return null;
        }

        using (directory)
        {
            SafeFd? lockFile = Fs.TryOpenAt(directory, LockFile, Interop.O_RDONLY | Interop.O_NOFOLLOW, 0, out _);
            if (lockFile is not null)
            {
                // flock is per open file description, so this waits for an append's exclusive lock (AcquireLockAsync).
                Fs.Flock(lockFile, exclusive: false);
            }

            return lockFile;
        }
    }

    internal static bool IsHex(string value)
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

    private static LedgerRecord? ParseLine(byte[] line, out string? problem)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(line, StrictJsonObject.Options);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("prev", out JsonElement prev) || prev.GetString() is not { Length: 64 } prevHex
                || !root.TryGetProperty("hash", out JsonElement hash) || hash.GetString() is not { Length: 64 } hashHex
                || !root.TryGetProperty("entry", out JsonElement entry) || entry.ValueKind != JsonValueKind.Object
                || !IsHex(prevHex))
            {
                problem = "not a ledger record (prev, hash, entry)";
                return null;
            }

            if (StrictJsonObject.UnknownProperty(root, "prev", "hash", "entry") is { } unknown)
            {
                problem = $"unknown property '{unknown}' in the record";
                return null;
            }

            byte[] entryJson = JsonMarshal.GetRawUtf8Value(entry).ToArray();
            LedgerEntry? parsed = JsonSerializer.Deserialize(entryJson, AuditJsonContext.Default.LedgerEntry);
            problem = parsed is null ? "entry is null" : null;
            return parsed is null ? null : new LedgerRecord(parsed, entryJson, prevHex, hashHex);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            problem = ex.Message.ReplaceLineEndings(" ");
            return null;
        }
    }
}
