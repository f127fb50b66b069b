namespace Nono.Core.Audit;

/// <summary>The ledger's records and every chain problem found while reading it.</summary>
internal sealed record LedgerReadResult(IReadOnlyList<LedgerRecord> Records, IReadOnlyList<string> Problems);
