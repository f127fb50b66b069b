using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace Nono.Core.Audit;

/// <summary>
/// The end of the ledger file as an append needs it: where the complete lines end, how many torn bytes follow, and the
/// last line's hash and seq after checking its link. Reads only the last few lines, whatever the file's size.
/// </summary>
internal sealed record LedgerTail(long CompleteLength, int TornBytes, byte[]? LastHash, long LastSeq, string? LastProblem)
{
    private const int InitialWindow = 4096;

    public static LedgerTail Read(SafeFileHandle ledger)
    {
        long length = RandomAccess.GetLength(ledger);
        for (long window = InitialWindow; ; window *= 2)
        {
            long start = Math.Max(0, length - window);
            byte[] buffer = new byte[length - start];
            int read = ReadExactly(ledger, buffer, start);
            if (read != buffer.Length)
            {
                // The file shrank under us: only another writer could do that, and the lock rules it out.
                return new LedgerTail(length, 0, null, -1, "the ledger changed size while it was read");
            }

            if (TryParse(buffer, start, out LedgerTail? tail))
            {
                return tail;
            }
        }
    }

    /// <summary>Parses the window; false when it does not reach back far enough (two complete lines or the file start).</summary>
    private static bool TryParse(ReadOnlySpan<byte> window, long start, out LedgerTail tail)
    {
        int completeEnd = window.LastIndexOf((byte)'\n') + 1; // 0 when the window holds no newline
        if (completeEnd == 0 && start > 0)
        {
            tail = null!;
            return false;
        }

        int tornBytes = window.Length - completeEnd;
        long completeLength = start + completeEnd;
        if (completeLength == 0)
        {
            tail = new LedgerTail(0, tornBytes, null, -1, null);
            return true;
        }

        ReadOnlySpan<byte> complete = window[..(completeEnd - 1)];
        int lastStart = complete.LastIndexOf((byte)'\n') + 1;
        if (lastStart == 0 && start > 0)
        {
            tail = null!;
            return false;
        }

        ReadOnlySpan<byte> last = complete[lastStart..];
        byte[]? expectedPrevious = null;
        if (lastStart > 0)
        {
            ReadOnlySpan<byte> before = complete[..(lastStart - 1)];
            int beforeStart = before.LastIndexOf((byte)'\n') + 1;
            if (beforeStart == 0 && start > 0)
            {
                tail = null!;
                return false;
            }

            expectedPrevious = ParseHash(before[beforeStart..], out long beforeSeq) is { } h && beforeSeq >= 0 ? h : [];
            tail = Check(completeLength, tornBytes, last, expectedPrevious, beforeSeq + 1);
            return true;
        }

        tail = Check(completeLength, tornBytes, last, AuditHashing.LedgerGenesis(), 0);
        return true;
    }

    private static LedgerTail Check(long completeLength, int tornBytes, ReadOnlySpan<byte> last, byte[] expectedPrevious, long expectedSeq)
    {
        if (!TryParseLine(last, out byte[] previous, out byte[] hash, out byte[] entryJson, out long seq))
        {
            return new LedgerTail(completeLength, tornBytes, null, -1, "last line is malformed");
        }

        string? problem = null;
        if (expectedPrevious.Length == 0)
        {
            problem = "the line before the last is malformed";
        }
        else if (!previous.AsSpan().SequenceEqual(expectedPrevious))
        {
            problem = "last line's previous hash does not match the line before it";
        }
        else if (!AuditHashing.LedgerLink(previous, entryJson).AsSpan().SequenceEqual(hash))
        {
            problem = "last line's hash does not match its entry";
        }
        else if (seq != expectedSeq)
        {
            problem = $"last line's seq is {seq}, expected {expectedSeq}";
        }

        return new LedgerTail(completeLength, tornBytes, hash, seq, problem);
    }

    private static byte[]? ParseHash(ReadOnlySpan<byte> line, out long seq) =>
        TryParseLine(line, out _, out byte[] hash, out _, out seq) ? hash : null;

    private static bool TryParseLine(ReadOnlySpan<byte> line, out byte[] previous, out byte[] hash, out byte[] entryJson, out long seq)
    {
        previous = hash = entryJson = [];
        seq = -1;
        try
        {
            using JsonDocument document = JsonDocument.Parse(line.ToArray());
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("prev", out JsonElement prev) || !TryHash(prev, out previous)
                || !root.TryGetProperty("hash", out JsonElement link) || !TryHash(link, out hash)
                || !root.TryGetProperty("entry", out JsonElement entry) || entry.ValueKind != JsonValueKind.Object
                || !entry.TryGetProperty("seq", out JsonElement seqElement) || !seqElement.TryGetInt64(out seq))
            {
                return false;
            }

            entryJson = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(entry).ToArray();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool TryHash(JsonElement element, out byte[] hash)
    {
        hash = [];
        if (element.ValueKind != JsonValueKind.String || element.GetString() is not { Length: 64 } hex || !AuditLedger.IsHex(hex))
        {
            return false;
        }

        hash = Convert.FromHexString(hex);
        return true;
    }

    private static int ReadExactly(SafeFileHandle handle, byte[] buffer, long offset)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = RandomAccess.Read(handle, buffer.AsSpan(total), offset + total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }
}
