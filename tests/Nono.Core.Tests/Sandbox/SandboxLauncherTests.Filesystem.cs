using Nono.Core.Capabilities;
using Nono.Core.Sandbox;
using Nono.Testing;

namespace Nono.Core.Tests.Sandbox;

public sealed partial class SandboxLauncherTests
{
    [Fact]
    public async Task Start_WriteGrant_WritesNestedButNotOutsideOrEtc()
    {
        using TempDirectory work = new();
        using TempDirectory other = new();
        Directory.CreateDirectory(work.Combine("a", "b"));
        CapabilitySet caps = SandboxRun.With(SandboxRun.Write(work.Path));

        ProcessResult result = await SandboxRun.ShAsync(caps,
            $"echo ok > {work.Combine("a", "b", "new.txt")} && mkdir {work.Combine("c")} && echo nested-ok; " +
            $"echo x > {other.Combine("x.txt")} || echo other-denied; " +
            $"echo x >> /etc/hostname || echo etc-denied");

        Assert.Contains("nested-ok", result.StandardOutput);
        Assert.Contains("other-denied", result.StandardOutput);
        Assert.Contains("etc-denied", result.StandardOutput);
        Assert.Equal("ok\n", await File.ReadAllTextAsync(work.Combine("a", "b", "new.txt"), TestContext.Current.CancellationToken));
        Assert.False(File.Exists(other.Combine("x.txt")));
    }

    [Fact]
    public async Task Start_ReadGrant_CannotWriteThere()
    {
        using TempDirectory ro = new();
        await File.WriteAllTextAsync(ro.Combine("f"), "keep", TestContext.Current.CancellationToken);

        ProcessResult result = await SandboxRun.ShAsync(SandboxRun.With(SandboxRun.Read(ro.Path)),
            $"cat {ro.Combine("f")}; echo gone > {ro.Combine("f")} || echo write-denied; rm {ro.Combine("f")} || echo rm-denied");

        Assert.Contains("keep", result.StandardOutput);
        Assert.Contains("write-denied", result.StandardOutput);
        Assert.Contains("rm-denied", result.StandardOutput);
        Assert.Equal("keep", await File.ReadAllTextAsync(ro.Combine("f"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Start_FileGrants_OnlyThoseFiles()
    {
        using TempDirectory dir = new();
        string readable = dir.Combine("r.txt"), writable = dir.Combine("w.txt"), neighbour = dir.Combine("n.txt");
        foreach (string f in new[] { readable, writable, neighbour })
        {
            await File.WriteAllTextAsync(f, "v-" + Path.GetFileName(f), TestContext.Current.CancellationToken);
        }

        CapabilitySet caps = SandboxRun.With(SandboxRun.Read(readable), SandboxRun.Write(writable));
        ProcessResult result = await SandboxRun.ShAsync(caps,
            $"cat {readable}; echo; echo new > {writable} && echo w-ok; cat {neighbour} || echo n-denied; echo x > {readable} || echo r-not-writable; touch {dir.Combine("created")} || echo create-denied");

        Assert.Contains("v-r.txt", result.StandardOutput);
        Assert.Contains("w-ok", result.StandardOutput);
        Assert.Contains("n-denied", result.StandardOutput);
        Assert.Contains("r-not-writable", result.StandardOutput);
        Assert.Contains("create-denied", result.StandardOutput);
        Assert.Equal("new\n", await File.ReadAllTextAsync(writable, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Start_DenyInsideAllowedDirectory_DeniedWhileSiblingsWork()
    {
        using TempDirectory home = new();
        string secret = Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(home.Combine(".ssh"));
        Directory.CreateDirectory(home.Combine("project"));
        await File.WriteAllTextAsync(home.Combine(".ssh", "id_ed25519"), secret, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(home.Combine(".bashrc"), "rc", TestContext.Current.CancellationToken);
        CapabilitySet caps = SandboxRun.With(SandboxRun.Write(home.Path)) with
        {
            Denies = [new FsDeny(home.Combine(".ssh"), "test")],
        };

        ProcessResult result = await SandboxRun.ShAsync(caps,
            $"cat {home.Combine(".ssh", "id_ed25519")} || echo ssh-denied; cat {home.Combine(".bashrc")}; echo; " +
            $"echo w > {home.Combine("project", "f")} && echo project-ok; " +
            $"mv {home.Combine(".ssh")} {home.Combine("moved")} || echo rename-denied; " +
            $"echo z > {home.Combine("newfile")} || echo top-create-denied");

        Assert.DoesNotContain(secret, result.StandardOutput);
        Assert.Contains("ssh-denied", result.StandardOutput);
        Assert.Contains("rc", result.StandardOutput);
        Assert.Contains("project-ok", result.StandardOutput);
        Assert.Contains("rename-denied", result.StandardOutput);
        Assert.Contains("top-create-denied", result.StandardOutput); // reported in the plan notes
        Assert.True(Directory.Exists(home.Combine(".ssh")));
    }

    [Fact]
    public async Task Start_SymlinkInsideGrantToOutside_DoesNotEscape()
    {
        using TempDirectory work = new();
        using TempDirectory outside = new();
        string secret = Guid.NewGuid().ToString("N");
        await File.WriteAllTextAsync(outside.Combine("secret"), secret, TestContext.Current.CancellationToken);
        File.CreateSymbolicLink(work.Combine("link"), outside.Path);

        ProcessResult result = await SandboxRun.ShAsync(SandboxRun.With(SandboxRun.Write(work.Path)),
            $"cat {work.Combine("link", "secret")} || echo read-denied; echo x > {work.Combine("link", "planted")} || echo write-denied; " +
            $"ln -s /etc/hostname {work.Combine("l2")} && cat {work.Combine("l2")} || echo etc-via-link-denied");

        Assert.DoesNotContain(secret, result.StandardOutput);
        Assert.Contains("read-denied", result.StandardOutput);
        Assert.Contains("write-denied", result.StandardOutput);
        Assert.False(File.Exists(outside.Combine("planted")));
    }

    [Fact]
    public async Task Start_HardlinkToOutsideFile_Fails()
    {
        using TempDirectory work = new();
        using TempDirectory outside = new();
        await File.WriteAllTextAsync(outside.Combine("target"), "t", TestContext.Current.CancellationToken);

        ProcessResult result = await SandboxRun.ShAsync(SandboxRun.With(SandboxRun.Write(work.Path)),
            $"ln {outside.Combine("target")} {work.Combine("hl")} && echo LINKED || echo link-denied; echo a > {work.Combine("own")} && ln {work.Combine("own")} {work.Combine("own2")} && echo inside-link-ok");

        Assert.Contains("link-denied", result.StandardOutput);
        Assert.DoesNotContain("LINKED", result.StandardOutput);
        Assert.Contains("inside-link-ok", result.StandardOutput);
        Assert.False(File.Exists(work.Combine("hl")));
    }

    [Fact]
    public async Task Start_RenameAcrossBoundary_FailsWhileInsideWorks()
    {
        using TempDirectory a = new();
        using TempDirectory b = new();
        using TempDirectory outside = new();
        await File.WriteAllTextAsync(a.Combine("f1"), "1", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(a.Combine("f2"), "2", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(outside.Combine("o"), "o", TestContext.Current.CancellationToken);
        Directory.CreateDirectory(a.Combine("sub"));
        CapabilitySet caps = SandboxRun.With(SandboxRun.Write(a.Path), SandboxRun.Write(b.Path));

        ProcessResult result = await SandboxRun.ShAsync(caps,
            $"mv {a.Combine("f1")} {a.Combine("sub", "f1")} && echo inside-ok; " +
            $"mv {a.Combine("f2")} {b.Combine("f2")} && echo between-grants-ok; " +
            $"mv {b.Combine("f2")} {outside.Combine("f2")} || echo out-denied; " +
            $"mv {outside.Combine("o")} {a.Combine("o")} || echo in-denied");

        Assert.Contains("inside-ok", result.StandardOutput);
        Assert.Contains("between-grants-ok", result.StandardOutput);
        Assert.Contains("out-denied", result.StandardOutput);
        Assert.Contains("in-denied", result.StandardOutput);
        Assert.True(File.Exists(outside.Combine("o")));
        Assert.False(File.Exists(outside.Combine("f2")));
    }

    [Fact]
    public async Task Start_WriteGrantAsRoot_CannotMakeDeviceNodesButFifos()
    {
        Assert.SkipUnless(ProcessRunner.IsRoot, "mknod of devices needs CAP_MKNOD");
        using TempDirectory work = new();

        ProcessResult result = await SandboxRun.ShAsync(SandboxRun.With(SandboxRun.Write(work.Path)),
            $"mknod {work.Combine("disk")} b 8 0 || echo block-denied; mknod {work.Combine("mem")} c 1 1 || echo char-denied; mkfifo {work.Combine("fifo")} && echo fifo-ok");

        Assert.Contains("block-denied", result.StandardOutput);
        Assert.Contains("char-denied", result.StandardOutput);
        Assert.Contains("fifo-ok", result.StandardOutput);
        Assert.False(File.Exists(work.Combine("disk")));
    }

    [Fact]
    public async Task Start_Grandchild_InheritsSandbox()
    {
        using TempDirectory outside = new();
        string secret = Guid.NewGuid().ToString("N");
        await File.WriteAllTextAsync(outside.Combine("s"), secret, TestContext.Current.CancellationToken);

        ProcessResult result = await SandboxRun.ShAsync(SandboxRun.With(),
            $"sh -c 'sh -c \"cat {outside.Combine("s")} || echo grandchild-denied\"'");

        Assert.Contains("grandchild-denied", result.StandardOutput);
        Assert.DoesNotContain(secret, result.StandardOutput);
    }
}
