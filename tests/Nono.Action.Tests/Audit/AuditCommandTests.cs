using System.Text.Json;
using Nono.Core.Audit;
using Nono.Testing;

namespace Nono.Action.Tests.Audit;

public sealed class AuditCommandTests
{
    [Fact]
    public async Task List_Json_EntriesCarrySessionId()
    {
        using TempDirectory temp = new();
        AuditCliHarness cli = new(temp.Path);
        await cli.RecordAsync("s-one", TestContext.Current.CancellationToken);
        await cli.RecordAsync("s-two", TestContext.Current.CancellationToken);

        (int exit, string output, _) = cli.Run("audit", "list", "--json");

        Assert.Equal(0, exit);
        using JsonDocument json = JsonDocument.Parse(output);
        Assert.Equal(["s-two", "s-one"], json.RootElement.EnumerateArray().Select(e => e.GetProperty("session_id").GetString()).ToArray());
    }

    /// <summary>Review N-A/N-B: session.json's started_at at another offset is listed in UTC, its command without escapes.</summary>
    [Fact]
    public async Task List_ForeignOffsetAndEscapeInCommand_PrintsUtcAndNoControlCharacters()
    {
        using TempDirectory temp = new();
        AuditCliHarness cli = new(temp.Path);
        SessionMetadata recorded = await cli.RecordAsync("s-one", TestContext.Current.CancellationToken);
        string file = Path.Combine(cli.AuditRoot, "s-one", AuditFormat.SessionFile);
        System.Text.Json.Nodes.JsonNode json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(file))!;
        json["started_at"] = recorded.StartedAt.ToOffset(TimeSpan.FromHours(-11)).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        json["command"] = new System.Text.Json.Nodes.JsonArray("agent", "\u001b[2Jnono: clean");
        File.WriteAllText(file, json.ToJsonString());

        (int exit, string output, _) = cli.Run("audit", "list");

        Assert.Equal(0, exit);
        Assert.Contains(recorded.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + "Z", output, StringComparison.Ordinal);
        Assert.Contains("agent ?[2Jnono: clean", output, StringComparison.Ordinal);
        Assert.DoesNotContain(output, c => char.IsControl(c) && c != '\n');
    }

    [Fact]
    public async Task Show_SessionWithDenials_HighlightsViolations()
    {
        using TempDirectory temp = new();
        AuditCliHarness cli = new(temp.Path);
        await cli.RecordAsync("s-show", TestContext.Current.CancellationToken);

        (int exit, string text, _) = cli.Run("audit", "show", "s-show");
        (int jsonExit, string json, _) = cli.Run("audit", "show", "s-show", "--json");

        Assert.Equal(0, exit);
        Assert.Contains("VIOLATION [MEDIUM] network-denied: CONNECT exfil.example:443 denied (host not allowed)", text, StringComparison.Ordinal);
        Assert.Contains("VIOLATION [MEDIUM] filesystem-denied: read /etc/shadow denied", text, StringComparison.Ordinal);
        Assert.Contains("2 violation(s)", text, StringComparison.Ordinal);
        Assert.Equal(0, jsonExit);
        using JsonDocument doc = JsonDocument.Parse(json);
        Assert.Equal(2, doc.RootElement.GetProperty("violations").GetArrayLength());
        Assert.Equal("network", doc.RootElement.GetProperty("events")[1].GetProperty("event").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Verify_IntactThenTampered_ExitsZeroThenOneNamingThePart()
    {
        using TempDirectory temp = new();
        AuditCliHarness cli = new(temp.Path);
        await cli.RecordAsync("s-verify", TestContext.Current.CancellationToken);

        (int okExit, string okOut, _) = cli.Run("audit", "verify", "s-verify");
        string events = Path.Combine(cli.AuditRoot, "s-verify", AuditFormat.EventsFile);
        File.WriteAllText(events, File.ReadAllText(events).Replace("exfil.example", "exfil.exampla", StringComparison.Ordinal));
        (int badExit, string badOut, string badErr) = cli.Run("audit", "verify", "s-verify", "--json");

        // Exit 0 (integrity holds), but an unsigned record is not called "verified": anyone could have rebuilt it.
        Assert.Equal(0, okExit);
        Assert.Contains("session s-verify: integrity only (not signed): signature NOT checked", okOut, StringComparison.Ordinal);
        Assert.DoesNotContain(": verified", okOut, StringComparison.Ordinal);
        Assert.Equal(1, badExit);
        Assert.Equal("nono: audit verification failed: chain, merkle_root", badErr.Trim());
        using JsonDocument doc = JsonDocument.Parse(badOut);
        Assert.False(doc.RootElement.GetProperty("verified").GetBoolean());
        Assert.False(doc.RootElement.GetProperty("signature_checked").GetBoolean());
    }

    /// <summary>A payload type carrying terminal escapes is printed as '?' (review S1); the signed verdict still works.</summary>
    [Fact]
    public async Task Verify_EscapeInDssePayloadType_PrintsNoControlCharacters()
    {
        using TempDirectory temp = new();
        AuditCliHarness cli = new(temp.Path);
        await cli.RecordAsync("s-esc", TestContext.Current.CancellationToken);
        Assert.Equal(0, cli.Run("trust", "keygen", "--keyref", "file://" + temp.Combine("k.key")).Exit);
        Assert.Equal(0, cli.Run("audit", "sign", "s-esc", "--keyref", "file://" + temp.Combine("k.key")).Exit);
        (int okExit, string okOut, _) = cli.Run("audit", "verify", "s-esc", "--public-key-file", temp.Combine("k.key.pub"));
        string bundle = Path.Combine(cli.AuditRoot, "s-esc", AuditFormat.AttestationFile);
        System.Text.Json.Nodes.JsonNode json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(bundle))!;
        json["dsseEnvelope"]!["payloadType"] = "x\u001b[1A\u001b[2Ksession s-esc: verified\u001b[8m";
        File.WriteAllText(bundle, json.ToJsonString());

        (int exit, string output, string error) = cli.Run("audit", "verify", "s-esc", "--public-key-file", temp.Combine("k.key.pub"));

        Assert.True(okExit == 0, okOut);
        Assert.Contains("session s-esc: verified", okOut, StringComparison.Ordinal);
        Assert.Equal(1, exit);
        Assert.Contains("unexpected DSSE payload type 'x?[1A?[2Ksession s-esc: verified?[8m'", output, StringComparison.Ordinal);
        Assert.DoesNotContain(output + error, c => char.IsControl(c) && c != '\n');
    }

    [Theory]
    [InlineData("../x", "invalid audit session id '../x'")]
    [InlineData("missing", "no audit session 'missing'")]
    public void Verify_BadId_OneLineError(string id, string message)
    {
        using TempDirectory temp = new();

        (int exit, _, string err) = new AuditCliHarness(temp.Path).Run("audit", "verify", id);

        Assert.Equal(1, exit);
        Assert.Equal($"nono: {message}", err.Trim());
    }

    [Fact]
    public async Task Cleanup_Keep1_RemovesOlder()
    {
        using TempDirectory temp = new();
        AuditCliHarness cli = new(temp.Path);
        await cli.RecordAsync("a-old", TestContext.Current.CancellationToken);
        await cli.RecordAsync("b-new", TestContext.Current.CancellationToken);

        (int exit, string output, _) = cli.Run("audit", "cleanup", "--keep", "1");
        (int noArgsExit, _, string noArgsErr) = cli.Run("audit", "cleanup");

        Assert.Equal(0, exit);
        Assert.Contains("removed a-old", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(cli.AuditRoot, "a-old")));
        Assert.True(Directory.Exists(Path.Combine(cli.AuditRoot, "b-new")));
        Assert.Equal(1, noArgsExit);
        Assert.Contains("--keep", noArgsErr, StringComparison.Ordinal);
    }
}
