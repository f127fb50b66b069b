using System.Text.Json;
using Nono.Core.Audit;
using Nono.Testing;

namespace Nono.Action.Tests.Audit;

/// <summary>
/// A session whose session.json strict parsing refuses is not silently left out: <c>audit list</c> names it with the
/// reason (one line on stderr, so <c>--json</c> stays a list) and <c>audit show</c> fails with that reason; the readable
/// session beside it is listed and shown as before.
/// </summary>
public sealed class AuditUnreadableSessionTests
{
    [Fact]
    public async Task ListAndShow_UnreadableSession_NameTheReason_AndShowFails()
    {
        using TempDirectory temp = new();
        AuditCliHarness cli = new(temp.Path);
        await cli.RecordAsync("s-bad", TestContext.Current.CancellationToken);
        await cli.RecordAsync("s-good", TestContext.Current.CancellationToken);
        string file = Path.Combine(cli.AuditRoot, "s-bad", AuditFormat.SessionFile);
        string before = File.ReadAllText(file);
        File.WriteAllText(file, before.Replace("\"exit_code\":3", "\"exit_code\":3,\"smuggled\":0", StringComparison.Ordinal));
        Assert.NotEqual(before, File.ReadAllText(file));

        (int listExit, string list, string listError) = cli.Run("audit", "list");
        (int jsonExit, string json, string jsonError) = cli.Run("audit", "list", "--json");
        (int showExit, _, string showError) = cli.Run("audit", "show", "s-bad");
        (int goodExit, _, _) = cli.Run("audit", "show", "s-good");
        (int missingExit, _, string missingError) = cli.Run("audit", "show", "s-none");

        Assert.Equal(0, listExit);
        Assert.Contains("s-good", list, StringComparison.Ordinal);
        Assert.DoesNotContain("s-bad", list, StringComparison.Ordinal);
        string line = Assert.Single(listError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("nono: audit session 's-bad' is unreadable: session.json does not parse: ", line, StringComparison.Ordinal);
        Assert.Contains("smuggled", line, StringComparison.Ordinal);
        Assert.Equal(0, jsonExit);
        Assert.Equal(line, jsonError.Trim());
        using (JsonDocument doc = JsonDocument.Parse(json))
        {
            Assert.Equal("s-good", Assert.Single(doc.RootElement.EnumerateArray()).GetProperty("session_id").GetString());
        }

        Assert.NotEqual(0, showExit);
        Assert.Contains(line["nono: ".Length..], Assert.Single(showError.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        Assert.Equal(0, goodExit);
        Assert.NotEqual(0, missingExit);
        Assert.Contains("no audit session 's-none'", missingError, StringComparison.Ordinal);
    }
}
