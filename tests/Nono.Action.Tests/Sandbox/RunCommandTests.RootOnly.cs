using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

/// <summary>Root-only files under the built-in system read grants (review S5): as root and as uid 65534.</summary>
public sealed partial class RunCommandTests
{
    /// <summary>
    /// The test (root) puts a root-only key and a world-readable file in a new directory under /etc. A root command
    /// reads /etc through system_read_linux: the key is denied (not readable by others, owned by root), the public
    /// file is not, and the plan says why. As 65534 the key is unreadable by its mode anyway and nothing is carved.
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_RootOnlyFileUnderSystemReadGrant_DeniedToARootCommand(TestUser user)
    {
        Assert.SkipUnless(ProcessRunner.IsRoot, "writing under /etc needs root");
        using NonoSandbox sb = new(user);
        string secret = Guid.NewGuid().ToString("N");
        string directory = $"/etc/nono-test-{Guid.NewGuid():N}";
        string key = Path.Combine(directory, "private.key");
        try
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(key, secret);
            File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.WriteAllText(Path.Combine(directory, "public.conf"), "public-ok");
            File.WriteAllText(sb.Environment["NONO_PROFILE"], """{ "meta": { "name": "test-system" }, "security": { "groups": ["system_read_linux"] } }""");
            // No --read of the system paths on the command line: /etc is granted by the group alone.
            ProcessResult dry = await sb.RunAsync("run", "--dry-run", "--", "/bin/true");
            ProcessResult run = await sb.RunAsync("run", "--", "/bin/sh", "-c", $"cat {directory}/public.conf; echo; cat {key} || echo key-denied");
            ProcessResult why = await sb.RunAsync("why", "--path", key, "--op", "read");
            ProcessResult whyPublic = await sb.RunAsync("why", "--path", Path.Combine(directory, "public.conf"), "--op", "read");

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("public-ok", run.StandardOutput);
            Assert.Contains("key-denied", run.StandardOutput);
            Assert.DoesNotContain(secret, run.StandardOutput);
            Assert.True(dry.ExitCode == 0, dry.ToString());
            if (user == TestUser.Current)
            {
                Assert.Contains($"deny {key} [root-only under /etc [group:system_read_linux]: mode 600, owner 0:0, not readable by others] carved out of grant", dry.StandardOutput);
                Assert.Contains("root-only check: ", dry.StandardOutput);
                Assert.Contains("root-only under /etc [group:system_read_linux]: mode 600", why.StandardOutput);
            }
            else
            {
                Assert.DoesNotContain("root-only", dry.StandardOutput);
                Assert.DoesNotContain("root-only", why.StandardOutput);
            }

            Assert.DoesNotContain("root-only", whyPublic.StandardOutput);
            Assert.DoesNotContain("denied by", whyPublic.StandardOutput);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// A file of another owner readable by its group only (640), that group being a supplementary group of nono (and so
    /// of the command): a root command reads it through that group, so it is carved. Without the group the command cannot
    /// read it and nothing is carved. As 65534 (no groups) nothing is carved either.
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current, true)]
    [InlineData(TestUser.Current, false)]
    [InlineData(TestUser.Nobody, false)]
    public async Task Run_GroupReadableFileUnderSystemReadGrant_DeniedWhenTheCommandHasTheGroup(TestUser user, bool withGroup)
    {
        Assert.SkipUnless(ProcessRunner.IsRoot, "writing under /etc needs root");
        using NonoSandbox sb = new(user);
        string secret = Guid.NewGuid().ToString("N");
        int group = 40_000 + Random.Shared.Next(20_000);
        string directory = $"/etc/nono-test-{Guid.NewGuid():N}";
        string key = Path.Combine(directory, "group.key");
        try
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(key, secret);
            File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
            Assert.Equal(0, (await ProcessRunner.RunAsync("chown", [$"1234:{group}", key], cancellationToken: TestContext.Current.CancellationToken)).ExitCode);
            File.WriteAllText(sb.Environment["NONO_PROFILE"], """{ "meta": { "name": "test-system" }, "security": { "groups": ["system_read_linux"] } }""");
            string[] prefix = withGroup ? [$"--groups={group}", "--", NonoExecutable.Path] : ["--", NonoExecutable.Path];
            ProcessResult dry = await RunWithGroups(sb, user, [.. prefix, "run", "--dry-run", "--", "/bin/true"]);
            ProcessResult run = await RunWithGroups(sb, user, [.. prefix, "run", "--", "/bin/sh", "-c", $"cat {key} || echo key-denied"]);

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("key-denied", run.StandardOutput);
            Assert.DoesNotContain(secret, run.StandardOutput);
            Assert.True(dry.ExitCode == 0, dry.ToString());
            if (withGroup)
            {
                Assert.Contains($"deny {key} [root-only under /etc [group:system_read_linux]: mode 640, owner 1234:{group}, not readable by others] carved out of grant", dry.StandardOutput);
            }
            else
            {
                Assert.DoesNotContain($"deny {key}", dry.StandardOutput);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// A directory deeper than the root-only walk goes (8 levels below /etc) is not looked at: it is denied to a root
    /// command as a whole (fail secure) and the plan names it; one level up stays readable. As 65534 nothing is carved.
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_DirectoryBeyondTheRootOnlyWalk_DeniedToARootCommand(TestUser user)
    {
        Assert.SkipUnless(ProcessRunner.IsRoot, "writing under /etc needs root");
        using NonoSandbox sb = new(user);
        string directory = $"/etc/nono-test-{Guid.NewGuid():N}";
        string walked = Path.Combine(directory, "a", "b", "c", "d", "e", "f");
        string deep = Path.Combine(walked, "g");
        try
        {
            Directory.CreateDirectory(deep);
            File.WriteAllText(Path.Combine(walked, "near.conf"), "near-ok");
            File.WriteAllText(Path.Combine(deep, "deep.conf"), "deep-read");
            File.WriteAllText(sb.Environment["NONO_PROFILE"], """{ "meta": { "name": "test-system" }, "security": { "groups": ["system_read_linux"] } }""");
            ProcessResult dry = await sb.RunAsync("run", "--dry-run", "--", "/bin/true");
            ProcessResult run = await sb.RunAsync("run", "--", "/bin/sh", "-c", $"cat {walked}/near.conf; echo; cat {deep}/deep.conf || echo deep-denied");

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("near-ok", run.StandardOutput);
            Assert.True(dry.ExitCode == 0, dry.ToString());
            if (user == TestUser.Current)
            {
                Assert.Contains("deep-denied", run.StandardOutput);
                Assert.DoesNotContain("deep-read", run.StandardOutput);
                Assert.Contains($"deny {deep} [root-only under /etc [group:system_read_linux]: not walked (root-only check bounds)]", dry.StandardOutput);
                Assert.Contains($"root-only check did not finish {walked} (budget 20000 entries, depth 8)", dry.StandardOutput);
            }
            else
            {
                Assert.Contains("deep-read", run.StandardOutput);
                Assert.DoesNotContain("root-only", dry.StandardOutput);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Runs nono through setpriv (ARGS start with setpriv's own), as <paramref name="user"/>, in the sandbox's environment.</summary>
    private static Task<ProcessResult> RunWithGroups(NonoSandbox sb, TestUser user, string[] args) =>
        user == TestUser.Nobody
            ? ProcessRunner.RunAsync(NonoExecutable.Path, args[(Array.IndexOf(args, NonoExecutable.Path) + 1)..], user, sb.Environment, sb.WorkingDirectory, cancellationToken: TestContext.Current.CancellationToken)
            : ProcessRunner.RunAsync("setpriv", args, user, sb.Environment, sb.WorkingDirectory, cancellationToken: TestContext.Current.CancellationToken);
}
