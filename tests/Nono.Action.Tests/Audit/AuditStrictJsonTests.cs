using System.Text.RegularExpressions;
using Nono.Core.Audit;
using Nono.Testing;

namespace Nono.Action.Tests.Audit;

/// <summary>
/// <c>nono audit verify</c> reads the audit files strictly: a duplicated or unknown property is refused with one line
/// naming the file and the property. A duplicate with the same value, or an unknown property in a line wrapper, leaves
/// every hash intact, so before strict reading these passed (two JSON readers could see different files); the
/// untouched session next to it still verifies.
/// </summary>
public sealed class AuditStrictJsonTests
{
    [Theory]
    [InlineData("session-duplicate", "metadata", "session.json does not parse", "exit_code")]
    [InlineData("session-unknown", "metadata", "session.json does not parse", "smuggled")]
    [InlineData("events-duplicate", "chain", "audit-events.ndjson line 1: malformed JSON", "seq")]
    [InlineData("events-unknown", "chain", "audit-events.ndjson line 1: unknown property", "smuggled")]
    [InlineData("ledger-duplicate", "ledger", "ledger.ndjson line 1: malformed", "prev")]
    [InlineData("ledger-unknown", "ledger", "ledger.ndjson line 1: malformed: unknown property", "smuggled")]
    public async Task Verify_DuplicateOrUnknownProperty_RefusedNamingFileAndProperty(string tamper, string part, string problem, string property)
    {
        using TempDirectory temp = new();
        AuditCliHarness cli = new(temp.Path);
        await cli.RecordAsync("s-strict", TestContext.Current.CancellationToken);
        await cli.RecordAsync("s-bystander", TestContext.Current.CancellationToken);
        Assert.Equal(0, cli.Run("audit", "verify", "s-strict").Exit);
        string session = Path.Combine(cli.AuditRoot, "s-strict");
        (string file, string pattern, string replacement) = tamper switch
        {
            "session-duplicate" => (Path.Combine(session, AuditFormat.SessionFile), "\"exit_code\":3", "\"exit_code\":3,\"exit_code\":3"),
            "session-unknown" => (Path.Combine(session, AuditFormat.SessionFile), "\"exit_code\":3", "\"exit_code\":3,\"smuggled\":0"),
            "events-duplicate" => (Path.Combine(session, AuditFormat.EventsFile), "^\\{\"seq\":0", "{\"seq\":0,\"seq\":0"),
            "events-unknown" => (Path.Combine(session, AuditFormat.EventsFile), "^\\{\"seq\":0", "{\"seq\":0,\"smuggled\":0"),
            "ledger-duplicate" => (Path.Combine(cli.AuditRoot, AuditFormat.LedgerFile), "^\\{\"prev\":(\"[0-9a-f]+\")", "{\"prev\":$1,\"prev\":$1"),
            _ => (Path.Combine(cli.AuditRoot, AuditFormat.LedgerFile), "^\\{\"prev\"", "{\"smuggled\":0,\"prev\""),
        };
        string before = File.ReadAllText(file);
        string after = new Regex(pattern, RegexOptions.Multiline).Replace(before, replacement, 1);
        Assert.NotEqual(before, after);
        File.WriteAllText(file, after);

        (int exit, string output, string error) = cli.Run("audit", "verify", "s-strict");
        (int bystanderExit, string bystanderOutput, _) = cli.Run("audit", "verify", "s-bystander");

        Assert.Equal(1, exit);
        Assert.Matches($"^nono: audit verification failed: .*{part}", error.Trim());
        Assert.Contains(output.Split('\n'), line => line.Contains(problem, StringComparison.Ordinal) && line.Contains(property, StringComparison.Ordinal));
        if (!tamper.StartsWith("ledger", StringComparison.Ordinal))
        {
            Assert.True(bystanderExit == 0, bystanderOutput);
        }
    }
}
