using System.Text.RegularExpressions;
using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

public sealed partial class RunCommandTests
{
    /// <summary>Tries each "op:path" and prints "op name ok" or the errno name (python: the calls as the tools make them).</summary>
    private const string MetadataProbe = """
        import os, sys, errno
        for a in sys.argv[1:]:
            op, path = a.split(":")
            try:
                if op == "chmod": os.chmod(path, 0o666)
                elif op == "fchmod":
                    fd = os.open(path, os.O_RDONLY); os.fchmod(fd, 0o640); os.close(fd)
                elif op == "chown": st = os.stat(path); os.chown(path, st.st_uid, st.st_gid)
                elif op == "lchown": os.lchown(path, -1, -1)
                elif op == "utime": os.utime(path, (1000000000, 1000000000))
                elif op == "touch": os.utime(path)
                elif op == "setxattr": os.setxattr(path, "user.nono", b"1")
                elif op == "removexattr": os.removexattr(path, "user.nono")
                print(op, os.path.basename(path), "ok")
            except OSError as e:
                print(op, os.path.basename(path), errno.errorcode[e.errno])
        """;

    public static TheoryData<TestUser, string> MetadataContainments => new()
    {
        { TestUser.Current, "cgroup" },
        { TestUser.Current, "direct-child" },
        { TestUser.Nobody, "direct-child" },
    };

    /// <summary>
    /// Landlock has no right for a file's mode, owner, times or xattrs: before session 12 a capability-less root chmodded
    /// a root-owned file outside every grant to 666, and any user changed its own files there (credential files included).
    /// In the cgroup and direct-child containments nono performs those calls inside the writable grants and refuses them
    /// outside (EPERM), recording each refusal.
    /// </summary>
    [Theory]
    [MemberData(nameof(MetadataContainments))]
    public async Task Run_MetadataChanges_RefusedOutsideTheWritableGrants_WorkInside(TestUser user, string containment)
    {
        Assert.SkipUnless(containment != "cgroup" || ProcessRunner.IsRoot, "the cgroup containment needs a writable cgroup (root)");
        using NonoSandbox sb = new(user);
        sb.Environment["NONO_CONTAINMENT"] = containment;
        (string work, string inside, string outside) = await MetadataFilesAsync(sb, user);
        File.SetUnixFileMode(outside, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        DateTime outsideTime = File.GetLastWriteTimeUtc(outside);

        ProcessResult run = await sb.SandboxedAsync("run", ["--allow", work, "--read", sb.Outside.Path], NonoSandbox.Python, "-c", MetadataProbe,
            $"chmod:{outside}", $"fchmod:{outside}", $"chown:{outside}", $"lchown:{outside}", $"utime:{outside}", $"touch:{outside}",
            $"setxattr:{outside}", $"removexattr:{outside}",
            $"chmod:{inside}", $"fchmod:{inside}", $"chown:{inside}", $"utime:{inside}", $"setxattr:{inside}", $"removexattr:{inside}");

        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.StandardError}");
        Assert.Equal(
            [
                "chmod victim EPERM", "fchmod victim EPERM", "chown victim EPERM", "lchown victim EPERM", "utime victim EPERM",
                "touch victim EPERM", "setxattr victim EPERM", "removexattr victim EPERM",
                "chmod inside ok", "fchmod inside ok", "chown inside ok", "utime inside ok", "setxattr inside ok", "removexattr inside ok",
            ],
            run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(outside));
        Assert.Equal(outsideTime, File.GetLastWriteTimeUtc(outside));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(inside));
        Assert.Equal(new DateTime(2001, 9, 9, 1, 46, 40, DateTimeKind.Utc), File.GetLastWriteTimeUtc(inside));
        string events = SessionEvents(sb, run);
        Assert.Contains($"\"path\":\"{outside}\",\"access\":\"metadata\"", events, StringComparison.Ordinal);
        Assert.Contains("\"mechanism\":\"seccomp-metadata\"", events, StringComparison.Ordinal);
        Assert.Contains("\"mechanism\":\"seccomp-metadata\",\"status\":\"active\"", events, StringComparison.Ordinal);
        Assert.DoesNotContain($"\"path\":\"{inside}\"", events, StringComparison.Ordinal);
    }

    /// <summary>
    /// The attack of the review, as root: a capability-less root owns every root-owned file, so without the supervision it
    /// chmods one outside the grants to 666; and a capability-less root cannot chown someone else's file inside a grant
    /// (no CAP_CHOWN), which nono, running as root, must not do for it. The opt-in lets the chmod through and is reported.
    /// </summary>
    [Theory]
    [InlineData("cgroup")]
    [InlineData("direct-child")]
    public async Task Run_CapabilityLessRoot_CannotChmodRootFilesOutside_UnlessOptedIn(string containment)
    {
        Assert.SkipUnless(ProcessRunner.IsRoot, "the attack needs a root command");
        using NonoSandbox sb = new(TestUser.Current);
        sb.Environment["NONO_CONTAINMENT"] = containment;
        sb.Environment["NONO_NETWORK_TIER"] = "landlock-tcp"; // no user namespace: root drops its capabilities
        string work = sb.Home.Combine("work");
        Directory.CreateDirectory(work);
        string others = Path.Combine(work, "others");
        string outside = sb.Outside.Combine("root-owned");
        File.WriteAllText(others, "z");
        File.WriteAllText(outside, "y");
        await ProcessRunner.RunAsync("chown", [$"{ProcessRunner.NobodyId}:{ProcessRunner.NobodyId}", others], cancellationToken: TestContext.Current.CancellationToken);
        File.SetUnixFileMode(outside, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        string[] options = ["--allow", work, "--read", sb.Outside.Path, "--block-net", "--no-audit"];

        ProcessResult refused = await sb.SandboxedAsync("run", options, "/bin/sh", "-c", $"chmod 666 {outside}; chown 0 {others}; echo done");

        Assert.Contains("done", refused.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"chmod: changing permissions of '{outside}': Operation not permitted", refused.StandardError, StringComparison.Ordinal);
        Assert.Contains($"chown: changing ownership of '{others}': Operation not permitted", refused.StandardError, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(outside));
        ProcessResult owner = await ProcessRunner.RunAsync("/usr/bin/stat", ["-c", "%u", others], TestUser.Current, sb.Environment, sb.Home.Path, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal($"{ProcessRunner.NobodyId}\n", owner.StandardOutput);

        ProcessResult optedIn = await sb.SandboxedAsync("run", ["--allow-weaker", "unrestricted-metadata", .. options], "/bin/chmod", "666", outside);

        Assert.True(optedIn.ExitCode == 0, optedIn.StandardError);
        Assert.Contains("nono: warning: weaker mode in force: unrestricted-metadata", optedIn.StandardError, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite,
            File.GetUnixFileMode(outside));
    }

    /// <summary>Installs a RET_ALLOW filter with SECCOMP_FILTER_FLAG_NEW_LISTENER; prints the fd or the errno name.</summary>
    private const string ListenerProbe = """
        import ctypes, errno, platform
        class F(ctypes.Structure): _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint)]
        class P(ctypes.Structure): _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(F))]
        libc = ctypes.CDLL(None, use_errno=True)
        allow = (F * 1)(F(0x06, 0, 0, 0x7fff0000))
        prog = P(1, allow)
        r = libc.syscall(277 if platform.machine() == "aarch64" else 317, 1, 8, ctypes.byref(prog))
        print("listener" if r >= 0 else errno.errorcode[ctypes.get_errno()])
        """;

    /// <summary>
    /// A listener of the sandbox's own could answer the supervised calls itself (after nono's closes, it would be the only
    /// one): seccomp(SECCOMP_FILTER_FLAG_NEW_LISTENER) is refused inside; with the opt-in (a nested nono run) it works again.
    /// </summary>
    [Fact]
    public async Task Run_SandboxCannotCreateItsOwnSeccompListener_UnlessMetadataIsUnrestricted()
    {
        using NonoSandbox sb = new(TestUser.Current);
        sb.Environment["NONO_CONTAINMENT"] = "direct-child";

        ProcessResult refused = await sb.SandboxedAsync("run", ["--no-audit"], NonoSandbox.Python, "-c", ListenerProbe);
        ProcessResult optedIn = await sb.SandboxedAsync("run", ["--no-audit", "--allow-weaker", "unrestricted-metadata"], NonoSandbox.Python, "-c", ListenerProbe);

        Assert.True(refused.ExitCode == 0, refused.StandardError);
        Assert.Equal("EPERM\n", refused.StandardOutput);
        Assert.Equal("listener\n", optedIn.StandardOutput);
    }

    /// <summary>The plan says what is supervised: run confines metadata changes, wrap says plainly that it cannot.</summary>
    [Fact]
    public async Task Plan_NamesTheMetadataConfinement_RunSupervisesWrapDoesNot()
    {
        using NonoSandbox sb = new(TestUser.Current);
        sb.Environment["NONO_CONTAINMENT"] = "direct-child";

        ProcessResult run = await sb.RunAsync("run", "--dry-run", "--allow", sb.Outside.Path, "--", "/bin/true");
        ProcessResult wrap = await sb.RunAsync("wrap", "--dry-run", "--allow", sb.Outside.Path, "--", "/bin/true");
        ProcessResult weaker = await sb.RunAsync("run", "--dry-run", "--allow-weaker", "unrestricted-metadata", "--allow", sb.Outside.Path, "--", "/bin/true");

        Assert.Contains("metadata: mode, owner, time and xattr changes outside the writable grants refused (supervised by nono)", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("metadata: mode, owner, time and xattr changes NOT confined (nono wrap leaves no supervisor", wrap.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("weaker modes IN FORCE: unrestricted-metadata", weaker.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("metadata: mode, owner, time and xattr changes NOT confined (--allow-weaker unrestricted-metadata)", weaker.StandardOutput, StringComparison.Ordinal);
    }

    /// <summary>A writable grant "work" holding the file "inside", and the file "victim" outside every grant, owned by <paramref name="user"/>.</summary>
    private static async Task<(string Work, string Inside, string Outside)> MetadataFilesAsync(NonoSandbox sb, TestUser user, params string[] directories)
    {
        string work = sb.Home.Combine("work");
        Directory.CreateDirectory(work);
        foreach (string directory in directories)
        {
            Directory.CreateDirectory(Path.Combine(work, directory));
        }

        string inside = Path.Combine(work, "inside");
        string outside = sb.Outside.Combine("victim");
        File.WriteAllText(inside, "x");
        File.WriteAllText(outside, "y");
        if (user == TestUser.Nobody)
        {
            await ProcessRunner.RunAsync("chown", ["-R", $"{ProcessRunner.NobodyId}:{ProcessRunner.NobodyId}", work, outside], cancellationToken: TestContext.Current.CancellationToken);
        }

        return (work, inside, outside);
    }

    private static string SessionEvents(NonoSandbox sb, ProcessResult run)
    {
        string session = Regex.Match(run.StandardError, @"session (\S+): exit").Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(session), run.StandardError);
        return File.ReadAllText(Path.Combine(sb.Home.Path, ".local", "state", "nono", "audit", session, "audit-events.ndjson"));
    }
}
