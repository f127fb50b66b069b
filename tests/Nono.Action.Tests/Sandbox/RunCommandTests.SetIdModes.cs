using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

public sealed partial class RunCommandTests
{
    /// <summary>Tries each "op path mode" and prints "op path ok" or the errno name.</summary>
    private const string SetIdProbe = """
        import os, sys, errno
        for a in sys.argv[1:]:
            op, path, mode = a.split(":")
            mode = int(mode, 8)
            try:
                if op == "chmod": os.chmod(path, mode)
                elif op == "fchmod":
                    fd = os.open(path, os.O_RDONLY); os.fchmod(fd, mode); os.close(fd)
                elif op == "create": os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, mode))
                elif op == "mknod": os.mknod(path, 0o100000 | mode)
                print(op, os.path.basename(path), oct(mode), "ok")
            except OSError as e:
                print(op, os.path.basename(path), oct(mode), errno.errorcode[e.errno])
        """;

    /// <summary>
    /// The set-user-ID bit cannot be set from inside (review of session 10: a capability-less root made
    /// a root-owned file outside every grant setuid, and another user ran it as root), neither on a granted file nor on
    /// one outside the grants, neither by chmod, fchmod, a creating open nor mknod; ordinary modes and set-group-ID (setgid
    /// directories pass their bit back on every chmod) still work.
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_SetIdModes_AreRefusedWhileOrdinaryModesWork(TestUser user)
    {
        using NonoSandbox sb = new(user);
        string work = Path.Combine(sb.Home.Path, "work");
        Directory.CreateDirectory(work);
        string tool = Path.Combine(work, "tool");
        string outside = Path.Combine(sb.Outside.Path, "victim");
        File.WriteAllText(tool, "#!/bin/sh\n");
        File.WriteAllText(outside, "#!/bin/sh\n");
        if (user == TestUser.Nobody)
        {
            await ProcessRunner.RunAsync("chown", ["-R", $"{ProcessRunner.NobodyId}:{ProcessRunner.NobodyId}", work, outside], cancellationToken: TestContext.Current.CancellationToken);
        }

        ProcessResult run = await sb.SandboxedAsync("run", ["--allow", work, "--read-file", outside], NonoSandbox.Python, "-c", SetIdProbe,
            $"chmod:{tool}:4755", $"chmod:{tool}:2755", $"fchmod:{tool}:6755", $"chmod:{outside}:4755", $"fchmod:{outside}:4755",
            $"create:{work}/new-setuid:4755", $"mknod:{work}/node-setuid:4755",
            $"chmod:{tool}:755", $"fchmod:{tool}:700", $"create:{work}/new-plain:755", $"mknod:{work}/node-plain:644");

        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.StandardError}");
        Assert.Equal(
            [
                "chmod tool 0o4755 EPERM", "chmod tool 0o2755 ok", "fchmod tool 0o6755 EPERM", "chmod victim 0o4755 EPERM",
                "fchmod victim 0o4755 EPERM", "create new-setuid 0o4755 EPERM", "mknod node-setuid 0o4755 EPERM",
                "chmod tool 0o755 ok", "fchmod tool 0o700 ok", "create new-plain 0o755 ok", "mknod node-plain 0o644 ok",
            ],
            run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(tool));
        Assert.False(File.Exists(Path.Combine(work, "new-setuid")));
        Assert.Equal(0, (int)(File.GetUnixFileMode(outside) & (UnixFileMode.SetUser | UnixFileMode.SetGroup)));
    }
}
