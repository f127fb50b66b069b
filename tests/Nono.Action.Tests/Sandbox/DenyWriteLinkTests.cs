using System.Security.Cryptography;
using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

/// <summary>
/// A hard link made before the run to a <c>filesystem.deny_write</c> file (Claude Code's settings, a hook) is the same
/// inode under another name; inside a writable grant it was written through that grant (session 12's open item).
/// nono cannot find such a name without walking every writable grant, so it refuses to run while a deny_write file (or a
/// file inside a deny_write directory) has more than one link on a writable grant's file system, unless
/// <c>--allow-weaker linked-denies</c>; without the extra link the run goes ahead and the file stays read-only.
/// </summary>
public sealed class DenyWriteLinkTests
{
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_DenyWriteFileLinkedIntoAWritableGrant_RefusedUnlessOptedIn_RunsOnceUnlinked(TestUser user)
    {
        using NonoSandbox sb = new(user);
        (string tool, string project) = Layout(sb);
        string settings = Path.Combine(tool, "settings.json");
        File.WriteAllText(settings, "settings-ok");
        string link = Path.Combine(project, "settings-link");
        await LinkAndChown(sb, settings, link);
        UseProfile(sb, tool, project, settings);
        string marker = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        string write = $"echo {marker} > {link} && echo WROTE-THROUGH-LINK";

        ProcessResult refused = await sb.SandboxedAsync("run", [], "/bin/sh", "-c", write);
        ProcessResult dry = await sb.RunAsync(["run", "--dry-run", .. SandboxSystemPaths.CliFlags, "--", "/bin/true"]);

        string line = AssertRefused(refused, $"nono: deny_write {settings} [");
        Assert.Contains("has more than one hard link, and the writable grant ", line);
        Assert.Contains("is on its file system: the command could write it through another name there (remove the other links)", line);
        Assert.DoesNotContain("WROTE-THROUGH-LINK", refused.StandardOutput);
        Assert.Equal(1, dry.ExitCode);
        Assert.Contains($"deny_write {settings} [", dry.StandardError + dry.StandardOutput);
        Assert.Equal("settings-ok", File.ReadAllText(settings));

        // The opt-in is what it says: the file is written through its other name.
        ProcessResult weaker = await sb.SandboxedAsync("run", ["--allow-weaker", "linked-denies"], "/bin/sh", "-c", write);
        Assert.True(weaker.ExitCode == 0, weaker.ToString());
        Assert.Contains("weaker mode in force: linked-denies", weaker.StandardError);
        Assert.Contains("WROTE-THROUGH-LINK", weaker.StandardOutput);
        Assert.Equal(marker, File.ReadAllText(settings).Trim());

        // The legitimate path: one name only, the run goes ahead, the file is readable and not writable, the project is.
        File.Delete(link);
        File.WriteAllText(settings, "settings-ok");
        await AssertReadOnlyBesideAWritableProject(sb, settings, "settings-ok", project);
    }

    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_FileInsideADenyWriteDirectoryLinkedIntoAWritableGrant_RefusedNamingIt_RunsOnceUnlinked(TestUser user)
    {
        using NonoSandbox sb = new(user);
        (string tool, string project) = Layout(sb);
        string hooks = Path.Combine(tool, "hooks");
        string hook = Path.Combine(hooks, "nested", "pre.sh");
        Directory.CreateDirectory(Path.GetDirectoryName(hook)!);
        File.WriteAllText(Path.Combine(hooks, "other.sh"), "other-ok");
        File.WriteAllText(hook, "hook-ok");
        string link = Path.Combine(project, "pre-link.sh");
        await LinkAndChown(sb, hook, link);
        UseProfile(sb, tool, project, hooks);

        ProcessResult refused = await sb.SandboxedAsync("run", [], "/bin/sh", "-c", $"echo pwned >> {link} && echo WROTE-THROUGH-LINK");

        AssertRefused(refused, $"nono: deny_write {hook} [");
        Assert.DoesNotContain("WROTE-THROUGH-LINK", refused.StandardOutput);
        Assert.Equal("hook-ok", File.ReadAllText(hook));

        File.Delete(link);
        await AssertReadOnlyBesideAWritableProject(sb, hook, "hook-ok", project);
    }

    /// <summary>
    /// The same for a full deny: ~/.netrc (a mandatory credential deny) with a second name in a granted project was read
    /// through it. Refused while the link exists; once it is gone the run goes ahead and ~/.netrc stays hidden.
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_DeniedFileLinkedIntoAGrant_RefusedUnlessOptedIn_RunsOnceUnlinked(TestUser user)
    {
        using NonoSandbox sb = new(user);
        string project = Directory.CreateDirectory(sb.Home.Combine("project")).FullName;
        string secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        string netrc = sb.Home.Combine(".netrc");
        File.WriteAllText(netrc, $"machine example.invalid login x password {secret}");
        File.WriteAllText(Path.Combine(project, "readme"), "project-ok");
        string link = Path.Combine(project, "netrc-link");
        await LinkAndChown(sb, netrc, link);
        string[] grant = ["--allow", project];
        string read = $"cat {project}/readme; echo; cat {link}; cat {netrc}";

        ProcessResult refused = await sb.SandboxedAsync("run", grant, "/bin/sh", "-c", read);
        ProcessResult weaker = await sb.SandboxedAsync("run", ["--allow-weaker", "linked-denies", .. grant], "/bin/sh", "-c", read);

        string line = AssertRefused(refused, $"nono: deny {netrc} [");
        Assert.Contains("has more than one hard link, and the grant ", line);
        Assert.Contains("the command could read it through another name there (remove the other links)", line);
        Assert.DoesNotContain(secret, refused.StandardOutput);
        Assert.Contains("weaker mode in force: linked-denies", weaker.StandardError);
        Assert.Contains(secret, weaker.StandardOutput); // the opt-in is what it says: read through the other name (not the denied one)

        File.Delete(link);
        ProcessResult plain = await sb.SandboxedAsync("run", grant, "/bin/sh", "-c", $"cat {project}/readme; echo; cat {netrc} || echo netrc-denied");
        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.Contains("project-ok", plain.StandardOutput);
        Assert.Contains("netrc-denied", plain.StandardOutput);
        Assert.DoesNotContain(secret, plain.StandardOutput);
    }

    /// <summary>Exit 1 with one line on stderr, starting with <paramref name="start"/> and naming the opt-in; returns the line.</summary>
    private static string AssertRefused(ProcessResult refused, string start)
    {
        Assert.Equal(1, refused.ExitCode);
        string line = Assert.Single(refused.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(start, line);
        Assert.EndsWith("refusing to run (opt in with --allow-weaker linked-denies)", line);
        return line;
    }

    /// <summary>The legitimate run: <paramref name="file"/> (one name only now) readable, not writable; the project writable.</summary>
    private static async Task AssertReadOnlyBesideAWritableProject(NonoSandbox sb, string file, string content, string project)
    {
        ProcessResult plain = await sb.SandboxedAsync("run", [], "/bin/sh", "-c",
            $"cat {file}; echo; echo x >> {file} && echo WROTE-FILE; echo ok > {project}/file && echo PROJECT-OK");
        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.Contains(content, plain.StandardOutput);
        Assert.Contains("PROJECT-OK", plain.StandardOutput);
        Assert.DoesNotContain("WROTE-FILE", plain.StandardOutput);
        Assert.Equal(content, File.ReadAllText(file));
    }

    /// <summary>$HOME/tool (the tool's configuration, granted read-write like ~/.claude) and $HOME/project (writable).</summary>
    private static (string Tool, string Project) Layout(NonoSandbox sb)
    {
        string tool = Directory.CreateDirectory(sb.Home.Combine("tool")).FullName;
        string project = Directory.CreateDirectory(sb.Home.Combine("project")).FullName;
        File.WriteAllText(Path.Combine(tool, "history"), "");
        return (tool, project);
    }

    private static void UseProfile(NonoSandbox sb, string tool, string project, string denyWrite)
    {
        string profile = sb.Home.Combine("deny-write.json");
        File.WriteAllText(profile, $$"""{ "filesystem": { "allow": ["{{tool}}", "{{project}}"], "deny_write": ["{{denyWrite}}"] } }""");
        sb.Environment["NONO_PROFILE"] = profile;
    }

    /// <summary>Links as root (before the run, as another step of the job would), then gives the home to the test user.</summary>
    private static async Task LinkAndChown(NonoSandbox sb, string existing, string link)
    {
        Assert.Equal(0, (await ProcessRunner.RunAsync("ln", [existing, link], cancellationToken: TestContext.Current.CancellationToken)).ExitCode);
        if (sb.User == TestUser.Nobody)
        {
            Assert.Equal(0, (await ProcessRunner.RunAsync("chown", ["-R", $"{ProcessRunner.NobodyId}:{ProcessRunner.NobodyId}", sb.Home.Path],
                cancellationToken: TestContext.Current.CancellationToken)).ExitCode);
        }
    }
}
