using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Nono.Action.Tests.Network;
using Nono.Action.Tests.Sandbox;
using Nono.Testing;

namespace Nono.Action.Tests.Audit;

/// <summary>
/// Filesystem denials observed end to end with the real binary: a sandboxed run is denied a file (a read outside the
/// grants, a write to a read-only grant) and a host, and <c>nono audit show --json</c> lists all of them as violations,
/// each naming the mechanism that saw it. As root the kernel audit is turned on for the run (and restored), so both
/// mechanisms report; as uid 65534 only the seccomp observer can.
/// </summary>
[Trait("Requires", "Landlock")]
[Collection(nameof(KernelAuditTests))]
public sealed partial class FilesystemObserverTests
{
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_DeniedFileAndHost_AuditShowListsThemAsViolationsWithTheMechanism(TestUser user)
    {
        using NonoSandbox sb = new(user);
        using KernelAuditScope? audit = user == TestUser.Current ? KernelAuditScope.TryEnable() : null;
        Assert.True(user == TestUser.Nobody || audit is not null, "root could not turn the kernel audit on");
        await using LoopbackServers servers = new(sb.Outside.Path);
        Files files = Files.Create(sb);
        string port = servers.HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string script = $$"""
            cat '{{files.Secret}}'; echo "secret-read=$?"
            echo appended >> '{{files.ReadOnly}}'; echo "readonly-write=$?"
            echo written > '{{files.Written}}'; cat '{{files.Written}}'; cat '{{files.ReadOnly}}'
            curl -s -o /dev/null -w 'allowed=%{http_code}\n' http://api.test:{{port}}/
            curl -s -o /dev/null -w 'denied=%{http_code}\n' http://other.test:{{port}}/
            """;

        ProcessResult run = await sb.SandboxedAsync("run",
            ["--fs-observer", "on", "--allow", files.Work, "--read", files.ReadOnlyDirectory, "--allow-domain", servers.ApiEntry(), "--resolve", "api.test=127.0.0.1"],
            "/bin/sh", "-c", script);
        string session = Regex.Match(run.StandardError, @"session (\S+): exit").Groups[1].Value;
        ProcessResult show = await sb.RunAsync("audit", "show", session, "--json");
        using JsonDocument json = JsonDocument.Parse(show.StandardOutput);
        List<(string Rule, string Subject, string Evidence)> violations = Violations(json);

        // The attacks failed ...
        Assert.True(run.ExitCode == 0, run.StandardError);
        Assert.DoesNotContain(files.SecretValue, run.StandardOutput);
        Assert.Contains("secret-read=1", run.StandardOutput);
        Assert.Contains("readonly-write=2", run.StandardOutput); // sh: cannot create
        Assert.Equal("original\n", File.ReadAllText(files.ReadOnly));
        Assert.Contains("denied=403", run.StandardOutput);
        // ... the legitimate path still works ...
        Assert.Contains("written\noriginal\n", run.StandardOutput);
        Assert.Contains("allowed=200", run.StandardOutput);
        // ... and the record lists each denial, with the mechanism that saw it (the seccomp observer's as claims).
        string[] mechanisms = user == TestUser.Current ? ["seccomp-observer", "landlock-audit"] : ["seccomp-observer"];
        foreach (string mechanism in mechanisms)
        {
            string claim = mechanism == "seccomp-observer" ? "unverified claim: " : "";
            Assert.Contains(violations, v => v.Rule == "filesystem-denied" && v.Subject == files.Secret && v.Evidence.StartsWith(claim + "read ", StringComparison.Ordinal) && v.Evidence.EndsWith($"[seen by {mechanism}]", StringComparison.Ordinal));
        }

        // The write only by the seccomp observer: in the pidns containment (the default where it works) the read-only grant
        // is on a read-only mount, and the open fails with EROFS before Landlock checks (and audits) it.
        Assert.Contains(violations, v => v.Rule == "filesystem-denied" && v.Subject == files.ReadOnly && v.Evidence.StartsWith("unverified claim: write ", StringComparison.Ordinal) && v.Evidence.EndsWith("[seen by seccomp-observer]", StringComparison.Ordinal));

        // The claim is also a flag of the record (audit show --json), set exactly on the claims.
        Assert.All(json.RootElement.GetProperty("violations").EnumerateArray(), v => Assert.Equal(
            v.GetProperty("evidence").GetString()!.StartsWith("unverified claim: ", StringComparison.Ordinal),
            v.TryGetProperty("unverified_claim", out JsonElement flag) && flag.GetBoolean()));
        Assert.Contains(violations, v => v.Rule == "network-denied" && v.Subject == $"other.test:{port}");
        Assert.DoesNotContain(violations, v => v.Subject == files.Written || v.Subject.StartsWith("api.test", StringComparison.Ordinal));
        Assert.DoesNotContain(violations, v => v.Subject == files.ReadOnly && v.Evidence.Replace("unverified claim: ", "", StringComparison.Ordinal).StartsWith("read ", StringComparison.Ordinal));
        Dictionary<string, string> observers = Observers(json);
        Assert.Equal("active", observers["seccomp-observer"]);
        Assert.Equal(user == TestUser.Current ? "active" : "unavailable", observers["landlock-audit"]);
    }

    [Theory]
    [InlineData(TestUser.Current, "auto", "off")]
    [InlineData(TestUser.Nobody, "auto", "off")]
    [InlineData(TestUser.Current, "off", "off")]
    [InlineData(TestUser.Nobody, "off", "off")]
    public async Task Run_WithoutTheSeccompObserver_SessionStatesWhichMechanismsCouldNotObserve(TestUser user, string mode, string seccompStatus)
    {
        using NonoSandbox sb = new(user);
        Files files = Files.Create(sb);

        ProcessResult run = await sb.SandboxedAsync("run", ["--fs-observer", mode, "--allow", files.Work], "/bin/cat", files.Secret);
        string session = Regex.Match(run.StandardError, @"session (\S+): exit").Groups[1].Value;
        ProcessResult show = await sb.RunAsync("audit", "show", session, "--json");
        using JsonDocument json = JsonDocument.Parse(show.StandardOutput);
        Dictionary<string, string> observers = Observers(json);

        Assert.Equal(1, run.ExitCode);
        Assert.DoesNotContain(files.SecretValue, run.StandardOutput);
        Assert.Equal(seccompStatus, observers["seccomp-observer"]);
        // The kernel audit is off on this machine outside the collection's own scopes; a uid 65534 nono cannot read it either way.
        Assert.Equal(mode == "off" ? "off" : "unavailable", observers["landlock-audit"]);
        string detail = Detail(json, "landlock-audit");
        Assert.Contains(mode == "off" ? "--fs-observer off" : user == TestUser.Nobody ? "CAP_AUDIT" : "audit", detail);
    }

    private static List<(string Rule, string Subject, string Evidence)> Violations(JsonDocument json) =>
        [.. json.RootElement.GetProperty("violations").EnumerateArray().Select(v =>
            (v.GetProperty("rule_id").GetString()!, v.GetProperty("subject").GetString()!, v.GetProperty("evidence").GetString()!))];

    private static IEnumerable<JsonElement> ObserverEntries(JsonDocument json) =>
        json.RootElement.GetProperty("events").EnumerateArray()
            .Select(e => e.GetProperty("event"))
            .Where(e => e.ValueKind == JsonValueKind.Object && e.GetProperty("type").GetString() == "filesystem_observers")
            .SelectMany(e => e.GetProperty("observers").EnumerateArray());

    private static Dictionary<string, string> Observers(JsonDocument json) =>
        ObserverEntries(json).ToDictionary(o => o.GetProperty("mechanism").GetString()!, o => o.GetProperty("status").GetString()!);

    private static string Detail(JsonDocument json, string mechanism) =>
        ObserverEntries(json).Single(o => o.GetProperty("mechanism").GetString() == mechanism).GetProperty("detail").GetString() ?? "";

    /// <summary>A secret outside every grant, a read-only grant with a file, and a writable working folder.</summary>
    private sealed record Files(string Secret, string SecretValue, string ReadOnlyDirectory, string ReadOnly, string Work, string Written)
    {
        public static Files Create(NonoSandbox sb)
        {
            string secretValue = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            string secret = Path.Combine(sb.Outside.Path, "secret.txt");
            File.WriteAllText(secret, secretValue);
            string readOnlyDirectory = Path.Combine(sb.Home.Path, "ro");
            string work = Path.Combine(sb.Home.Path, "work");
            Directory.CreateDirectory(readOnlyDirectory);
            Directory.CreateDirectory(work);
            string readOnly = Path.Combine(readOnlyDirectory, "ro.txt");
            File.WriteAllText(readOnly, "original\n");
            if (sb.User == TestUser.Nobody)
            {
                foreach (string path in new[] { secret, readOnlyDirectory, work, readOnly })
                {
                    File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | (Directory.Exists(path) ? UnixFileMode.OtherExecute : 0));
                }
            }

            return new Files(secret, secretValue, readOnlyDirectory, readOnly, work, Path.Combine(work, "written.txt"));
        }
    }
}
