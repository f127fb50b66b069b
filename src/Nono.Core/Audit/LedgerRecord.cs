namespace Nono.Core.Audit;

/// <summary>A ledger line as read back: the entry, its exact JSON bytes and its chain values.</summary>
internal sealed record LedgerRecord(LedgerEntry Entry, byte[] EntryJson, string Previous, string Hash);
