using System.Diagnostics;
using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

public sealed partial class RunCommandTests
{
    /// <summary>
    /// Review of session 12: nono performs supervised metadata calls itself, without a Landlock domain, and the kernel
    /// reports an object's path relative to its own mount namespace's root. A file of another container of the same user,
    /// named through <c>/proc/PID/root</c>, read like a file inside the grant (<c>{grant}/x</c>) and was chmodded for
    /// the sandbox. nono now acts only on an object that the reported path names in its own view; the same file by its
    /// own name inside the grant still works. The other container is a rootless one of uid 65534 (its own user namespace,
    /// as podman, flatpak or bubblewrap make): the user owns that namespace, so /proc/PID/root is open to it.
    /// </summary>
    [Fact]
    public async Task Run_MetadataThroughAnotherMountNamespace_IsRefused()
    {
        using NonoSandbox sb = new(TestUser.Nobody);
        sb.Environment["NONO_CONTAINMENT"] = "direct-child";
        string work = sb.Home.Combine("work");
        Directory.CreateDirectory(work);
        File.WriteAllText(Path.Combine(work, "x"), "ours");
        await ProcessRunner.RunAsync("chown", ["-R", $"{ProcessRunner.NobodyId}:{ProcessRunner.NobodyId}", work], cancellationToken: TestContext.Current.CancellationToken);
        // The other "container": a user and mount namespace with its own tmpfs on the grant's path, holding x (mode 0600).
        ProcessStartInfo container = ProcessRunner.StartInfo("unshare",
            ["-Urm", "--propagation", "private", "sh", "-c", $"mount -t tmpfs none {work} && echo theirs > {work}/x && chmod 600 {work}/x && echo ready && exec sleep 120"],
            TestUser.Nobody);
        container.RedirectStandardOutput = true;
        using Process other = Process.Start(container) ?? throw new InvalidOperationException("unshare did not start");
        try
        {
            Assert.Equal("ready", await other.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken));
            string theirs = $"/proc/{other.Id}/root{work}/x";

            ProcessResult run = await sb.SandboxedAsync("run", ["--allow", work], NonoSandbox.Python, "-c", MetadataProbe,
                $"chmod:{theirs}", $"chmod:{work}/x");

            Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.StandardError}");
            Assert.Equal(["chmod x EPERM", "chmod x ok"], run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            ProcessResult mode = await ProcessRunner.RunAsync("/usr/bin/stat", ["-c", "%a", theirs], cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal("600\n", mode.StandardOutput);
        }
        finally
        {
            other.Kill();
        }
    }
}
