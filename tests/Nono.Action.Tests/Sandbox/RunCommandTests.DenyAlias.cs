using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

/// <summary>A denied directory also reachable through a bind mount (review S3): as root and as uid 65534.</summary>
public sealed partial class RunCommandTests
{
    /// <summary>
    /// The test (root) bind-mounts the home at a directory inside a granted one: ~/.ssh is then also reachable as
    /// GRANT/h/.ssh. The alias is denied and carved like ~/.ssh itself, and named as its alias in the plan and in
    /// <c>nono why</c>; the rest of the bound home stays readable through the grant.
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_DeniedDirectoryReachableThroughABindMount_AliasDenied(TestUser user)
    {
        Assert.SkipUnless(ProcessRunner.IsRoot, "making a bind mount needs root");
        CancellationToken ct = TestContext.Current.CancellationToken;
        using NonoSandbox sb = new(user);
        string secret = Guid.NewGuid().ToString("N");
        string deny = sb.Home.Combine(".ssh");
        Directory.CreateDirectory(deny);
        File.WriteAllText(Path.Combine(deny, "id_ed25519"), secret);
        File.WriteAllText(sb.Home.Combine("notes"), "notes-ok");
        string alias = sb.Outside.Combine("h");
        Directory.CreateDirectory(alias);
        await LinkAndChown(sb);
        Assert.Equal(0, (await ProcessRunner.RunAsync("mount", ["--bind", sb.Home.Path, alias], cancellationToken: ct)).ExitCode);
        ProcessResult dry, why, run;
        try
        {
            dry = await sb.RunAsync(["run", "--dry-run", .. SandboxSystemPaths.CliFlags, "--read", sb.Outside.Path, "--", "/bin/true"]);
            why = await sb.RunAsync(["why", "--path", Path.Combine(alias, ".ssh", "id_ed25519"), "--op", "read", "-r", sb.Outside.Path]);
            run = await sb.SandboxedAsync("run", ["--read", sb.Outside.Path], "/bin/sh", "-c",
                $"cat {alias}/notes; echo; cat {alias}/.ssh/id_ed25519 || echo alias-denied; cat {deny}/id_ed25519 || echo deny-denied");
        }
        finally
        {
            Assert.Equal(0, (await ProcessRunner.RunAsync("umount", [alias], cancellationToken: ct)).ExitCode);
        }

        string aliasOf = $"alias of deny {deny} through the mount at {alias}";
        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Contains($"deny {alias}/.ssh [{aliasOf}", dry.StandardOutput);
        Assert.Contains($"carved out of grant {sb.Outside.Path}", dry.StandardOutput);
        Assert.Contains(aliasOf, why.StandardOutput);
        Assert.Contains("notes-ok", run.StandardOutput);
        Assert.Contains("alias-denied", run.StandardOutput);
        Assert.Contains("deny-denied", run.StandardOutput);
        Assert.DoesNotContain(secret, run.StandardOutput);
    }

    /// <summary>
    /// A tmpfs (another device than the deny) whose file is bound inside the denied ~/.kube: the file is also reachable
    /// at its tmpfs mount inside a granted directory (review follow-up). That name is denied too; the tmpfs's other
    /// files stay readable.
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_MountInsideADeniedDirectory_ItsOtherMountDenied(TestUser user)
    {
        Assert.SkipUnless(ProcessRunner.IsRoot, "making mounts needs root");
        CancellationToken ct = TestContext.Current.CancellationToken;
        using NonoSandbox sb = new(user);
        string secret = Guid.NewGuid().ToString("N");
        string kube = sb.Home.Combine(".kube");
        Directory.CreateDirectory(kube);
        string inner = Path.Combine(kube, "config");
        File.WriteAllText(inner, "");
        string tmpfs = sb.Outside.Combine("t");
        Directory.CreateDirectory(tmpfs);
        await LinkAndChown(sb);
        Assert.Equal(0, (await ProcessRunner.RunAsync("mount", ["-t", "tmpfs", "-o", "mode=755", "nono-test", tmpfs], cancellationToken: ct)).ExitCode);
        ProcessResult dry, run;
        bool bound = false;
        try
        {
            File.WriteAllText(Path.Combine(tmpfs, "config"), secret);
            File.WriteAllText(Path.Combine(tmpfs, "public"), "public-ok");
            File.SetUnixFileMode(Path.Combine(tmpfs, "config"), (UnixFileMode)0b110_100_100);
            File.SetUnixFileMode(Path.Combine(tmpfs, "public"), (UnixFileMode)0b110_100_100);
            bound = (await ProcessRunner.RunAsync("mount", ["--bind", Path.Combine(tmpfs, "config"), inner], cancellationToken: ct)).ExitCode == 0;
            Assert.True(bound);
            dry = await sb.RunAsync(["run", "--dry-run", .. SandboxSystemPaths.CliFlags, "--read", sb.Outside.Path, "--", "/bin/true"]);
            run = await sb.SandboxedAsync("run", ["--read", sb.Outside.Path], "/bin/sh", "-c",
                $"cat {tmpfs}/public; echo; cat {tmpfs}/config || echo alias-denied; cat {inner} || echo deny-denied");
        }
        finally
        {
            if (bound)
            {
                Assert.Equal(0, (await ProcessRunner.RunAsync("umount", [inner], cancellationToken: ct)).ExitCode);
            }

            Assert.Equal(0, (await ProcessRunner.RunAsync("umount", [tmpfs], cancellationToken: ct)).ExitCode);
        }

        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Contains($"deny {tmpfs}/config [alias of deny {kube} (the mount at {inner} inside it) through the mount at {tmpfs}", dry.StandardOutput);
        Assert.Contains("public-ok", run.StandardOutput);
        Assert.Contains("alias-denied", run.StandardOutput);
        Assert.Contains("deny-denied", run.StandardOutput);
        Assert.DoesNotContain(secret, run.StandardOutput);
    }
}
