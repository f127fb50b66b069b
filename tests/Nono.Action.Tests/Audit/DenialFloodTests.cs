using System.Text.Json;
using System.Text.RegularExpressions;
using Nono.Action.Session;
using Nono.Action.Tests.Sandbox;
using Nono.Testing;

namespace Nono.Action.Tests.Audit;

/// <summary>
/// A sandboxed command floods the observer with denials: thousands of identical ones and more distinct ones than the
/// per-session cap. The record holds each distinct denial once up to the cap and ends with one events_suppressed event
/// that counts the rest; the chain still verifies and the violations say the record is incomplete.
/// </summary>
[Trait("Requires", "Landlock")]
[Collection(nameof(KernelAuditTests))]
public sealed partial class DenialFloodTests
{
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_FloodOfDenials_RecordIsCappedAndCountsTheRestInsideTheVerifiedChain(TestUser user)
    {
        using NonoSandbox sb = new(user);
        const int Distinct = AuditFilesystemSink.Cap + 100;
        string outside = Path.Combine(sb.Outside.Path, "many");
        Directory.CreateDirectory(outside);
        for (int i = 0; i < Distinct; i++)
        {
            File.WriteAllText(Path.Combine(outside, $"f{i}"), "x");
        }

        string work = Path.Combine(sb.Home.Path, "work");
        Directory.CreateDirectory(work);
        if (user == TestUser.Nobody)
        {
            Assert.Equal(0, (await ProcessRunner.RunAsync("chown", ["-R", "65534:65534", outside, work], cancellationToken: TestContext.Current.CancellationToken)).ExitCode);
        }
        string script = $$"""
            import os
            def attempt(p):
                try:
                    open(p).close()
                except OSError:
                    pass
            for i in range(3000):
                attempt("{{outside}}/f0")
            for i in range({{Distinct}}):
                attempt(f"{{outside}}/f{i}")
            open("{{work}}/ok", "w").write("written")
            print("done")
            """;

        ProcessResult run = await sb.SandboxedAsync("run", ["--fs-observer", "on", "--allow", work], NonoSandbox.Python, "-c", script);
        string session = SessionLine().Match(run.StandardError).Groups[1].Value;
        ProcessResult show = await sb.RunAsync("audit", "show", session, "--json");
        ProcessResult verify = await sb.RunAsync("audit", "verify", session);
        using JsonDocument json = JsonDocument.Parse(show.StandardOutput);
        List<JsonElement> events = [.. json.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("event"))];

        // The legitimate work still happened ...
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("done", run.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("written", File.ReadAllText(Path.Combine(work, "ok")));
        // ... the flood is bounded: each distinct denial once, up to the cap ...
        Assert.Equal(AuditFilesystemSink.Cap, events.Count(e => Type(e) == "filesystem_denied"));
        // ... and the rest is counted inside the chain, which verifies, and shows as a violation.
        JsonElement summary = Assert.Single(events, e => Type(e) == "events_suppressed");
        Assert.True(summary.GetProperty("suppressed").GetInt64() >= Distinct - AuditFilesystemSink.Cap, summary.ToString()); // f0..f4195 past the first 4,096
        Assert.True(summary.GetProperty("repeated").GetInt64() >= 2999, summary.ToString());
        Assert.Equal($"{outside}/f0", summary.GetProperty("repeats")[0].GetProperty("subject").GetString());
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains(json.RootElement.GetProperty("violations").EnumerateArray(), v => v.GetProperty("rule_id").GetString() == "events-suppressed");
    }

    private static string? Type(JsonElement e) => e.ValueKind == JsonValueKind.Object ? e.GetProperty("type").GetString() : null;

    [GeneratedRegex(@"session (\S+): exit")]
    private static partial Regex SessionLine();
}
