using System.Security.Cryptography;
using System.Text.Json;
using Nono.Action.Tests.ActionMode;
using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

/// <summary>
/// The audit signing key signs the session after the command; the sandboxed command must never see it
/// (review F3), while the session is still signed with it.
/// </summary>
public sealed class SigningKeyIsolationTests
{
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_EnvSigningKey_IsRemovedFromTheChild_AndStillSigns(TestUser user)
    {
        using NonoSandbox sb = new(user);
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string pem = key.ExportPkcs8PrivateKeyPem();
        string keep = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        File.WriteAllText(sb.Home.Combine("audit.pub"), key.ExportSubjectPublicKeyInfoPem());
        sb.Environment["PLAIN_NAMED_VARIABLE"] = pem; // a name no secret pattern matches: only the key reference removes it
        sb.Environment["KEEP_ME"] = keep;

        ProcessResult run = await sb.SandboxedAsync("run", ["-v", "--audit-sign-key", "env://PLAIN_NAMED_VARIABLE"], "/usr/bin/env");
        ProcessResult list = await sb.RunAsync("audit", "list", "--json");
        string id = JsonDocument.Parse(list.StandardOutput).RootElement[0].GetProperty("session_id").GetString()!;
        ProcessResult verify = await sb.RunAsync("audit", "verify", id, "--public-key-file", sb.Home.Combine("audit.pub"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"KEEP_ME={keep}", run.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("PLAIN_NAMED_VARIABLE", run.StandardOutput, StringComparison.Ordinal);
        AssertNoKeyLine(pem, run.StandardOutput);
        Assert.Contains("nono: environment: removed PLAIN_NAMED_VARIABLE (audit signing key)", run.StandardError, StringComparison.Ordinal);
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    /// <summary>
    /// A relative <c>file://</c> key resolves against <c>--workdir</c> (where the recorder opens it); the deny must land on
    /// that file. The first version resolved it against nono's own directory, so the key in the granted work directory
    /// stayed readable (review of s9-credfix). The sibling file shows the directory is still granted.
    /// </summary>
    [Fact]
    public async Task Run_RelativeFileSigningKeyUnderWorkdir_IsDeniedAndStillSigns()
    {
        using NonoSandbox sb = new(TestUser.Current);
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string work = sb.Outside.Combine("ws");
        Directory.CreateDirectory(Path.Combine(work, "keys"));
        File.WriteAllText(Path.Combine(work, "keys", "sign.pem"), key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(Path.Combine(work, "keys", "other.txt"), "sibling");
        File.WriteAllText(sb.Home.Combine("audit.pub"), key.ExportSubjectPublicKeyInfoPem());

        ProcessResult run = await sb.SandboxedAsync(
            "run", ["--allow", work, "--workdir", work, "--audit-sign-key", "file://keys/sign.pem"],
            "/bin/sh", "-c", "cat keys/other.txt; echo; cat keys/sign.pem && echo KEY-READ || echo key-denied");
        ProcessResult list = await sb.RunAsync("audit", "list", "--json");
        string id = JsonDocument.Parse(list.StandardOutput).RootElement[0].GetProperty("session_id").GetString()!;
        ProcessResult verify = await sb.RunAsync("audit", "verify", id, "--public-key-file", sb.Home.Combine("audit.pub"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("sibling", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("key-denied", run.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("KEY-READ", run.StandardOutput, StringComparison.Ordinal);
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Action_SignKey_IsMaskedAndNeverReachesTheSandboxOrTheReport(TestUser user)
    {
        Assert.SkipUnless(user == TestUser.Current || ProcessRunner.IsRoot, "running as uid 65534 needs root");
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string pem = key.ExportPkcs8PrivateKeyPem();
        using ActionStep runner = new(user);
        runner.JobEnvironment["NONO_SIGNING_KEY"] = pem;

        (ProcessResult step, _, Dictionary<string, string> outputs) = await runner.RunAsync(new()
        {
            ["run"] = "env > seen-env.txt; printf '%s' \"$NONO_SIGNING_KEY\" > seen-key.txt; env",
            ["sign"] = "key",
        });

        Assert.True(step.ExitCode == 0, step.ToString());
        string output = step.StandardOutput;
        int groupStart = output.IndexOf("::group::", StringComparison.Ordinal);
        Assert.True(groupStart > 0, output);
        foreach (string line in KeyLines(pem))
        {
            int mask = output.IndexOf("::add-mask::" + line + "\n", StringComparison.Ordinal);
            Assert.True(mask >= 0 && mask < groupStart, $"line not masked before the child ran: {line}");
        }

        Assert.Empty(File.ReadAllText(Path.Combine(runner.Workspace, "seen-key.txt")));
        Assert.DoesNotContain("NONO_SIGNING_KEY", File.ReadAllText(Path.Combine(runner.Workspace, "seen-env.txt")), StringComparison.Ordinal);
        AssertNoKeyLine(pem, output[groupStart..]);
        AssertNoKeyLine(pem, File.ReadAllText(runner.SummaryFile));
        Assert.True(File.Exists(Path.Combine(outputs["artifact-dir"], "audit", outputs["session-id"], Nono.Core.Audit.AuditFormat.AttestationFile)), "the session was not signed");
    }

    private static IEnumerable<string> KeyLines(string pem) =>
        pem.ReplaceLineEndings("\n").Split('\n').Where(l => l.Length > 0 && !l.StartsWith("-----", StringComparison.Ordinal));

    private static void AssertNoKeyLine(string pem, string text)
    {
        foreach (string line in KeyLines(pem))
        {
            Assert.DoesNotContain(line, text, StringComparison.Ordinal);
        }
    }
}
