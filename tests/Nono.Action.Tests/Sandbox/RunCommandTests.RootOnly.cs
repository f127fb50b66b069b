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

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("public-ok", run.StandardOutput);
            Assert.Contains("key-denied", run.StandardOutput);
            Assert.DoesNotContain(secret, run.StandardOutput);
            Assert.True(dry.ExitCode == 0, dry.ToString());
            if (user == TestUser.Current)
            {
                Assert.Contains($"deny {key} [root-only under /etc [group:system_read_linux]: mode 600, owner 0:0, not readable by others] carved out of grant", dry.StandardOutput);
                Assert.Contains("root-only check: ", dry.StandardOutput);
            }
            else
            {
                Assert.DoesNotContain("root-only", dry.StandardOutput);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
