using System.Text;
using Nono.Core.Audit;
using Nono.Core.Diagnostics;
using Nono.Testing;

namespace Nono.Core.Tests.Audit;

public sealed partial class AuditLedgerTests
{
    [Fact]
    public async Task AppendAsync_TornTail_SetsTheBytesAsideAndChainsFromTheLastCompleteLine()
    {
        using TempDirectory temp = new();
        CancellationToken ct = TestContext.Current.CancellationToken;
        await AppendAsync(temp.Path, 3, ct);
        string ledger = LedgerPath(temp.Path);
        long complete = new FileInfo(ledger).Length;
        byte[] torn = Encoding.UTF8.GetBytes("{\"prev\":\"" + new string('a', 64) + "\",\"hash\":\"0b");
        await using (FileStream append = new(ledger, FileMode.Append))
        {
            append.Write(torn);
        }

        await AuditLedger.AppendAsync(temp.Path, Entry("after-crash"), ct);

        LedgerReadResult read = AuditLedger.Read(temp.Path);
        Assert.Empty(read.Problems);
        Assert.Equal(["s0", "s1", "s2", "after-crash"], read.Records.Select(r => r.Entry.SessionId));
        Assert.Equal(3, read.Records[^1].Entry.Seq);
        string aside = Assert.Single(Directory.GetFiles(temp.Path, AuditFormat.LedgerFile + ".torn-*"));
        Assert.Equal(torn, File.ReadAllBytes(aside));
        Assert.StartsWith($"{ledger}.torn-{complete}-", aside, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(aside));
    }

    [Fact]
    public async Task AppendAsync_OnlyATornLine_StartsTheChainAtTheGenesis()
    {
        using TempDirectory temp = new();
        CancellationToken ct = TestContext.Current.CancellationToken;
        File.WriteAllText(LedgerPath(temp.Path), "{\"prev\":");

        await AuditLedger.AppendAsync(temp.Path, Entry("first"), ct);

        LedgerReadResult read = AuditLedger.Read(temp.Path);
        Assert.Empty(read.Problems);
        Assert.Equal(0, Assert.Single(read.Records).Entry.Seq);
        Assert.Single(Directory.GetFiles(temp.Path, AuditFormat.LedgerFile + ".torn-*"));
    }

    [Theory]
    [InlineData("entry")]
    [InlineData("seq")]
    [InlineData("prev")]
    [InlineData("garbage")]
    // The tail is read as strictly as verification reads the ledger: a repeated or an unknown property (the link otherwise
    // valid) is not chained onto either.
    [InlineData("repeated prev")]
    [InlineData("unknown property")]
    [InlineData("repeated seq")]
    public async Task AppendAsync_TamperedLastLine_RefusesAndLeavesTheFileAsItWas(string tamper)
    {
        using TempDirectory temp = new();
        CancellationToken ct = TestContext.Current.CancellationToken;
        await AppendAsync(temp.Path, 3, ct);
        string ledger = LedgerPath(temp.Path);
        string[] lines = File.ReadAllLines(ledger);
        lines[^1] = tamper switch
        {
            "entry" => lines[^1].Replace("\"event_count\":2", "\"event_count\":9", StringComparison.Ordinal),
            "seq" => Relink(lines[^2], lines[^1].Replace("\"seq\":2", "\"seq\":7", StringComparison.Ordinal)),
            "prev" => Relink(AuditHashing.LedgerGenesis(), lines[^1]),
            "repeated prev" => "{\"prev\":\"" + new string('0', 64) + "\"," + lines[^1][1..],
            "unknown property" => "{\"note\":1," + lines[^1][1..],
            "repeated seq" => Relink(lines[^2], lines[^1].Replace("\"seq\":2", "\"seq\":7,\"seq\":2", StringComparison.Ordinal)),
            _ => "not json",
        };
        File.WriteAllLines(ledger, lines);
        byte[] before = File.ReadAllBytes(ledger);

        NonoException error = await Assert.ThrowsAsync<NonoException>(() => AuditLedger.AppendAsync(temp.Path, Entry("late"), ct));

        Assert.Equal(NonoErrorCode.StateCorrupt, error.Code);
        Assert.StartsWith("audit ledger is corrupt: last line", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(ledger));
        Assert.NotEmpty(AuditLedger.Read(temp.Path).Problems);
    }

    /// <summary>The entry's exact bytes are what the link covers: nested values and escapes in it do not disturb the tail's reading.</summary>
    [Fact]
    public async Task AppendAsync_LastEntryWithEscapesAndNestedValues_ChainsOntoIt()
    {
        using TempDirectory temp = new();
        CancellationToken ct = TestContext.Current.CancellationToken;
        string ledger = LedgerPath(temp.Path);
        byte[] entry = Encoding.UTF8.GetBytes("{\"x\":{\"seq\":[5,{\"seq\":6}]},\"seq\":0,\"s\":\"a\\\"}\\u0041\"}");
        await File.WriteAllBytesAsync(ledger, AuditLedger.FormatLine(AuditHashing.LedgerGenesis(), entry), ct);

        await AuditLedger.AppendAsync(temp.Path, Entry("next"), ct);

        string[] lines = File.ReadAllLines(ledger);
        Assert.Equal(2, lines.Length);
        Assert.Equal(AuditHashing.Hex(AuditHashing.LedgerLink(AuditHashing.LedgerGenesis(), entry)), Field(lines[1], "prev"));
        Assert.Contains("\"seq\":1,", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Relink_UntouchedLastLine_GivesItBackUnchanged()
    {
        using TempDirectory temp = new();
        CancellationToken ct = TestContext.Current.CancellationToken;
        await AppendAsync(temp.Path, 3, ct);
        string[] lines = File.ReadAllLines(LedgerPath(temp.Path));

        // The relinking helper of the tamper cases, applied to the untouched line, gives it back unchanged.
        Assert.Equal(lines[^1], Relink(lines[^2], lines[^1]));
    }

    [Fact]
    public async Task AppendAsync_BrokenMiddleLine_AppendsAndTheFullReadStillReportsIt()
    {
        using TempDirectory temp = new();
        CancellationToken ct = TestContext.Current.CancellationToken;
        await AppendAsync(temp.Path, 4, ct);
        string ledger = LedgerPath(temp.Path);
        string[] lines = File.ReadAllLines(ledger);
        lines[1] = lines[1].Replace("\"event_count\":1", "\"event_count\":5", StringComparison.Ordinal);
        File.WriteAllLines(ledger, lines);

        await AuditLedger.AppendAsync(temp.Path, Entry("next"), ct);

        LedgerReadResult read = AuditLedger.Read(temp.Path);
        Assert.Equal(["ledger line 2: hash does not match its entry", "ledger line 3: previous hash does not match line 2"], read.Problems);
        Assert.Equal(5, read.Records.Count);
    }

    [Fact]
    public async Task AppendAsync_LargeLedger_AppendsOneValidLink()
    {
        using TempDirectory temp = new();
        CancellationToken ct = TestContext.Current.CancellationToken;
        const int Existing = 20_000;
        using (FileStream file = new(LedgerPath(temp.Path), FileMode.CreateNew))
        {
            byte[] previous = AuditHashing.LedgerGenesis();
            for (int i = 0; i < Existing; i++)
            {
                byte[] entryJson = Encoding.UTF8.GetBytes($"{{\"seq\":{i},\"session_id\":\"old{i}\",\"completed_at\":\"2026-01-01T00:00:00+00:00\",\"event_count\":1,\"chain_head\":\"{new string('c', 64)}\",\"merkle_root\":\"{new string('d', 64)}\",\"session_digest\":\"{new string('e', 64)}\"}}");
                file.Write(AuditLedger.FormatLine(previous, entryJson));
                previous = AuditHashing.LedgerLink(previous, entryJson);
            }
        }

        await AuditLedger.AppendAsync(temp.Path, Entry("new"), ct);

        LedgerReadResult read = AuditLedger.Read(temp.Path);
        Assert.Empty(read.Problems);
        Assert.Equal(Existing + 1, read.Records.Count);
        Assert.Equal(Existing, read.Records[^1].Entry.Seq);
        Assert.Equal("new", read.Records[^1].Entry.SessionId);
    }

    private static string LedgerPath(string root) => Path.Combine(root, AuditFormat.LedgerFile);

    private static async Task AppendAsync(string root, int count, CancellationToken ct)
    {
        for (int i = 0; i < count; i++)
        {
            await AuditLedger.AppendAsync(root, Entry($"s{i}") with { EventCount = i }, ct);
        }
    }

    private static LedgerEntry Entry(string id) => new()
    {
        SessionId = id,
        CompletedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
        EventCount = 1,
        ChainHead = new string('a', 64),
        MerkleRoot = new string('b', 64),
        SessionDigest = new string('f', 64),
    };

    /// <summary>Recomputes a line's own hash from its entry and the given previous value (a tamperer who relinks).</summary>
    private static string Relink(string previousLine, string line) =>
        Relink(Convert.FromHexString(Field(previousLine, "hash")), line);

    private static string Relink(byte[] previous, string line)
    {
        string entry = line[(line.IndexOf("\"entry\":", StringComparison.Ordinal) + 8)..^1];
        return Encoding.UTF8.GetString(AuditLedger.FormatLine(previous, Encoding.UTF8.GetBytes(entry))).TrimEnd('\n');
    }

    private static string Field(string line, string name)
    {
        int start = line.IndexOf($"\"{name}\":\"", StringComparison.Ordinal) + name.Length + 4;
        return line[start..(start + 64)];
    }
}
