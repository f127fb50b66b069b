using System.Security.Cryptography;
using System.Text.Json;
using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

/// <summary><c>nono run</c> end to end on the built-in profiles: what users get without pinning a profile.</summary>
public sealed class ProfileRunTests
{
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_DefaultProfileAllowCwd_ListsTheWorkingDirectory(TestUser user)
    {
        using NonoSandbox sb = DefaultProfile(user);
        using TempDirectory work = new("nono-work-");
        File.WriteAllText(Path.Combine(work.Path, "visible.txt"), "x");
        if (user == TestUser.Nobody)
        {
            await ProcessRunner.RunAsync("chown", ["-R", "65534:65534", work.Path], cancellationToken: TestContext.Current.CancellationToken);
        }

        // (A working directory that holds a denied credential path, such as HOME, cannot be listed: Landlock
        // cannot subtract, so the grant is expanded around the deny; the plan notes say so.)
        ProcessResult result = await sb.RunAsync("run", "-s", "--workdir", work.Path, "--allow-cwd", "--", "ls");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("visible.txt", result.StandardOutput);
    }

    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_AllowHome_CredentialsStayDeniedWhileOtherFilesWork(TestUser user)
    {
        using NonoSandbox sb = DefaultProfile(user);
        string key = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        Directory.CreateDirectory(sb.Home.Combine(".ssh"));
        File.WriteAllText(sb.Home.Combine(".ssh", "id_ed25519"), key);
        File.WriteAllText(sb.Home.Combine("notes.txt"), "notes-ok");
        Chown(sb, user);

        ProcessResult result = await sb.RunAsync("run", "-s", "--allow", sb.Home.Path, "--", "/bin/sh", "-c",
            $"cat {sb.Home.Combine("notes.txt")}; cat {sb.Home.Combine(".ssh", "id_ed25519")} || echo ssh-denied");

        Assert.Contains("notes-ok", result.StandardOutput);
        Assert.Contains("ssh-denied", result.StandardOutput);
        Assert.DoesNotContain(key, result.StandardOutput);
    }

    [Fact]
    public async Task Run_SecretsAndLoaderHooks_AreStrippedFromTheChildEnvironment()
    {
        using NonoSandbox sb = DefaultProfile(TestUser.Current);
        string token = "ghs_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        sb.Environment["GITHUB_TOKEN"] = token;
        sb.Environment["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = token;
        sb.Environment["MY_SERVICE_API_KEY"] = token;
        sb.Environment["LD_PRELOAD"] = "/nonexistent/evil.so";
        sb.Environment["NODE_OPTIONS"] = "--require /nonexistent/evil.js";
        sb.Environment["HARMLESS_SETTING"] = "kept";

        ProcessResult result = await sb.RunAsync("run", "-s", "--", "/usr/bin/env");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain(token, result.StandardOutput);
        Assert.DoesNotContain("LD_PRELOAD", result.StandardOutput);
        Assert.DoesNotContain("NODE_OPTIONS", result.StandardOutput);
        Assert.Contains("HARMLESS_SETTING=kept", result.StandardOutput);
    }

    [Fact]
    public async Task Run_TmpdirIsPrivate_OtherTempFilesUnreadable()
    {
        using NonoSandbox sb = DefaultProfile(TestUser.Current);
        sb.Environment.Remove("TMPDIR");
        using TempDirectory otherJob = new("nono-other-job-");
        string secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        File.WriteAllText(Path.Combine(otherJob.Path, "secret"), secret);

        ProcessResult result = await sb.RunAsync("run", "-s", "--", "/bin/sh", "-c",
            $"echo tmp=$TMPDIR; echo ok > \"$TMPDIR/mine\" && cat \"$TMPDIR/mine\"; cat {otherJob.Path}/secret || echo other-denied");

        Assert.Contains("tmp=/tmp/nono-tmp-", result.StandardOutput);
        Assert.Contains("ok", result.StandardOutput);
        Assert.Contains("other-denied", result.StandardOutput);
        Assert.DoesNotContain(secret, result.StandardOutput);
    }

    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_Rollback_RecordsChangesAndFlagsAProtectedPath(TestUser user)
    {
        using NonoSandbox sb = DefaultProfile(user);
        using TempDirectory work = new("nono-work-");
        File.WriteAllText(Path.Combine(work.Path, "app.py"), "print('a')\n");
        Directory.CreateDirectory(Path.Combine(work.Path, ".github", "workflows"));
        File.WriteAllText(Path.Combine(work.Path, ".github", "workflows", "ci.yml"), "on: push\n");
        if (user == TestUser.Nobody)
        {
            await ProcessRunner.RunAsync("chown", ["-R", "65534:65534", work.Path], cancellationToken: TestContext.Current.CancellationToken);
        }

        ProcessResult run = await sb.RunAsync("run", "--rollback", "--workdir", work.Path, "--allow-cwd", "--", "/bin/sh", "-c",
            "echo \"print('b')\" > app.py; echo 'run: curl evil' >> .github/workflows/ci.yml");
        ProcessResult list = await sb.RunAsync("audit", "list", "--json");
        string id = JsonDocument.Parse(list.StandardOutput).RootElement[0].GetProperty("session_id").GetString()!;
        ProcessResult show = await sb.RunAsync("audit", "show", id, "--json");
        ProcessResult verify = await sb.RunAsync("audit", "verify", id);
        ProcessResult diff = await sb.RunAsync("rollback", "show", id, "--diff");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("protected-path-changed", show.StandardOutput);
        Assert.Contains(".github/workflows/ci.yml", show.StandardOutput);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("+print('b')", diff.StandardOutput);
    }

    [Fact]
    public async Task Run_NoAuditWithRollback_IsRefused()
    {
        using NonoSandbox sb = DefaultProfile(TestUser.Current);

        ProcessResult result = await sb.RunAsync("run", "--no-audit", "--rollback", "--", "/bin/true");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("nono: --no-audit cannot be combined with --rollback", result.StandardError);
    }

    [Fact]
    public async Task Run_AuditSignKey_SessionVerifiesWithThePinnedKeyOnly()
    {
        using NonoSandbox sb = DefaultProfile(TestUser.Current);
        string key = sb.Home.Combine("keys", "audit.key");
        string other = sb.Home.Combine("keys", "other.key");
        Directory.CreateDirectory(sb.Home.Combine("keys"));
        Assert.Equal(0, (await sb.RunAsync("trust", "keygen", "--keyref", "file://" + key)).ExitCode);
        Assert.Equal(0, (await sb.RunAsync("trust", "keygen", "--keyref", "file://" + other)).ExitCode);

        ProcessResult run = await sb.RunAsync("run", "-s", "--audit-sign-key", "file://" + key, "--", "/bin/true");
        ProcessResult list = await sb.RunAsync("audit", "list", "--json");
        string id = JsonDocument.Parse(list.StandardOutput).RootElement[0].GetProperty("session_id").GetString()!;
        ProcessResult good = await sb.RunAsync("audit", "verify", id, "--public-key-file", key + ".pub");
        ProcessResult bad = await sb.RunAsync("audit", "verify", id, "--public-key-file", other + ".pub");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(good.ExitCode == 0, good.ToString());
        Assert.Equal(1, bad.ExitCode);
    }

    /// <summary>The built-in profiles, started in <c>$HOME/project</c> (the default profile refuses a workdir of $HOME).</summary>
    internal static NonoSandbox DefaultProfile(TestUser user)
    {
        NonoSandbox sb = InHome(user);
        sb.StartInProjectDirectory();
        return sb;
    }

    /// <summary>The built-in profiles, started in <c>$HOME</c>.</summary>
    internal static NonoSandbox InHome(TestUser user)
    {
        NonoSandbox sb = new(user);
        sb.Environment.Remove("NONO_PROFILE");
        return sb;
    }

    internal static void Chown(NonoSandbox sb, TestUser user)
    {
        if (user == TestUser.Nobody)
        {
            ProcessRunner.RunAsync("chown", ["-R", "65534:65534", sb.Home.Path]).GetAwaiter().GetResult();
        }
    }
}
