using System.Security.Cryptography;
using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

public sealed partial class RunCommandTests
{
    /// <summary>Tries each "op:path" (a change Landlock has no right for, or a write) and prints "op name ok" or the errno name.</summary>
    private const string ReadOnlyMountProbe = """
        import os, sys, errno
        for a in sys.argv[1:]:
            op, path = a.split(":", 1)
            try:
                if op == "chmod": os.chmod(path, 0o666)
                elif op == "chown":
                    st = os.stat(path); os.chown(path, st.st_uid, st.st_gid)
                elif op == "utime": os.utime(path, (1000000000, 1000000000))
                elif op == "setxattr": os.setxattr(path, "user.nono", b"1")
                elif op == "write":
                    with open(path, "w") as f: f.write("x")
                print(op, os.path.basename(path), "ok")
            except OSError as e:
                print(op, os.path.basename(path), errno.errorcode[e.errno])
        """;

    /// <summary>
    /// Landlock has no right for a file's mode, owner, timestamps or xattrs. In the pidns containment every mount but
    /// the writable grants is read-only: chmod, chown, utimensat and setxattr fail with EROFS on a file outside the
    /// grants (root's own file for root, the user's own for 65534) and on a denied credential file inside a carved
    /// grant, and work on a file in the grant (a carved sibling), on a file grant, and a new file is written.
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_Pidns_MetadataChangesOutsideTheWritableGrantsAreReadOnly(TestUser user)
    {
        using NonoSandbox sb = await SandboxInAsync(user, "pidns");
        string work = Path.Combine(sb.Home.Path, "work");
        string keys = Path.Combine(sb.Home.Path, ".ssh"); // a mandatory deny: the grant of the home is carved around it
        Directory.CreateDirectory(work);
        Directory.CreateDirectory(keys);
        string inside = Path.Combine(work, "inside");
        string key = Path.Combine(keys, "id_test");
        string victim = Path.Combine(sb.Outside.Path, "victim");
        string single = Path.Combine(sb.Outside.Path, "single");
        foreach (string file in new[] { inside, key, victim, single })
        {
            File.WriteAllText(file, "original\n");
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        if (user == TestUser.Nobody)
        {
            await ProcessRunner.RunAsync("chown", ["-R", $"{ProcessRunner.NobodyId}:{ProcessRunner.NobodyId}", sb.Home.Path, sb.Outside.Path], cancellationToken: TestContext.Current.CancellationToken);
        }

        string[] ops = ["chmod", "chown", "utime", "setxattr"];
        string[] probe = [.. new[] { victim, key, inside, single }.SelectMany(path => ops.Select(op => $"{op}:{path}")), $"write:{work}/new", $"write:{single}"];

        ProcessResult run = await sb.SandboxedAsync("run", ["--allow", sb.Home.Path, "--allow-file", single], [NonoSandbox.Python, "-c", ReadOnlyMountProbe, .. probe]);

        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.StandardError}");
        Assert.Equal(
            [
                "chmod victim EROFS", "chown victim EROFS", "utime victim EROFS", "setxattr victim EROFS",
                "chmod id_test EROFS", "chown id_test EROFS", "utime id_test EROFS", "setxattr id_test EROFS",
                "chmod inside ok", "chown inside ok", "utime inside ok", "setxattr inside ok",
                "chmod single ok", "chown single ok", "utime single ok", "setxattr single ok",
                "write new ok", "write single ok",
            ],
            run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        UnixFileMode unchanged = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        Assert.Equal(unchanged, File.GetUnixFileMode(victim));
        Assert.Equal(unchanged, File.GetUnixFileMode(key));
        Assert.NotEqual(unchanged, File.GetUnixFileMode(inside));
        Assert.Equal("x", File.ReadAllText(Path.Combine(work, "new")));
    }

    /// <summary>
    /// With /dev/shm granted writable, the pidns containment mounts a tmpfs of its own there: a file the test puts in the
    /// host's /dev/shm is not in the sandbox's, the sandbox writes its own, and that one is not in the host's afterwards.
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_Pidns_DevShmIsPrivateToTheNamespace(TestUser user)
    {
        using NonoSandbox sb = await SandboxInAsync(user, "pidns");
        string tag = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        string host = $"/dev/shm/nono-host-{tag}";
        string made = $"/dev/shm/nono-made-{tag}";
        File.WriteAllText(host, "host\n");
        File.SetUnixFileMode(host, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        try
        {
            string script = $"import os; print(sorted(n for n in os.listdir('/dev/shm') if '{tag}' in n)); open('{made}', 'w').write('made'); print(open('{made}').read())";

            ProcessResult run = await sb.SandboxedAsync("run", ["--allow", "/dev/shm"], NonoSandbox.Python, "-c", script);

            Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.StandardError}");
            Assert.Equal("[]\nmade\n", run.StandardOutput);
            Assert.False(File.Exists(made));
            Assert.True(File.Exists(host));
        }
        finally
        {
            File.Delete(host);
            File.Delete(made);
        }
    }
}
