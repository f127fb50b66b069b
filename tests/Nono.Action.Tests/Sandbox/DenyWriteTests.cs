using System.Security.Cryptography;
using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

/// <summary>
/// <c>filesystem.deny_write</c>: beneath a read-write grant, the listed paths stay readable but cannot be written,
/// removed, replaced or linked into a writable directory; their writable siblings still work, and a full deny beside
/// them still hides its path.
/// </summary>
public sealed class DenyWriteTests
{
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_DenyWriteBeneathAllow_ReadableNotWritable_SiblingsWritable(TestUser user)
    {
        using NonoSandbox sb = new(user);
        string tool = sb.Home.Combine("tool");
        string settings = Path.Combine(tool, "settings.json");
        string hook = Path.Combine(tool, "hooks", "pre.sh");
        string secret = Path.Combine(tool, "secret");
        Directory.CreateDirectory(Path.Combine(tool, "hooks"));
        Directory.CreateDirectory(Path.Combine(tool, "state"));
        File.WriteAllText(settings, "settings-ok");
        File.WriteAllText(hook, "hook-ok");
        File.WriteAllText(secret, Convert.ToHexString(RandomNumberGenerator.GetBytes(8)));
        File.WriteAllText(Path.Combine(tool, "history"), "");
        string profile = sb.Home.Combine("deny-write.json");
        File.WriteAllText(profile, $$"""{ "filesystem": { "allow": ["{{tool}}"], "deny": ["{{secret}}"], "deny_write": ["{{settings}}", "{{Path.Combine(tool, "hooks")}}"] } }""");
        sb.Environment["NONO_PROFILE"] = profile;
        if (user == TestUser.Nobody)
        {
            await ProcessRunner.RunAsync("chown", ["-R", "65534:65534", sb.Home.Path], cancellationToken: TestContext.Current.CancellationToken);
        }

        string marker = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        ProcessResult result = await sb.SandboxedAsync("run", ["-s"], "/bin/sh", "-c", $"""
            cd {tool}
            cat settings.json; echo; cat hooks/pre.sh; echo; ls hooks
            echo x > settings.json && echo WROTE-SETTINGS
            echo x >> hooks/pre.sh && echo WROTE-HOOK
            echo x > hooks/new.sh && echo CREATED-HOOK
            rm -f settings.json && echo REMOVED-SETTINGS
            ln settings.json state/link 2>/dev/null && echo LINKED-SETTINGS
            cat secret && echo READ-SECRET
            echo {marker} > history && echo {marker} > state/file && echo SIBLINGS-OK
            """);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("settings-ok", result.StandardOutput);
        Assert.Contains("hook-ok", result.StandardOutput);
        Assert.Contains("pre.sh", result.StandardOutput);
        Assert.Contains("SIBLINGS-OK", result.StandardOutput);
        foreach (string refused in new[] { "WROTE-SETTINGS", "WROTE-HOOK", "CREATED-HOOK", "REMOVED-SETTINGS", "LINKED-SETTINGS", "READ-SECRET" })
        {
            Assert.DoesNotContain(refused, result.StandardOutput);
        }

        Assert.Equal("settings-ok", File.ReadAllText(settings));
        Assert.Equal("hook-ok", File.ReadAllText(hook));
        Assert.Equal(marker, File.ReadAllText(Path.Combine(tool, "state", "file")).Trim());
    }
}
