using System.Diagnostics;
using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

public sealed partial class RunCommandTests
{
    /// <summary>
    /// The CI case: runner and sandbox share a uid. Another process of that uid (think Runner.Worker and its
    /// secrets) stays out of reach: no environ, no signals; the same read works from outside the sandbox.
    /// </summary>
    [Fact]
    public async Task Run_AsUnprivilegedUser_CannotReadOrSignalSameUidProcess()
    {
        using NonoSandbox sb = new(TestUser.Nobody);
        string secret = Guid.NewGuid().ToString("N");
        ProcessStartInfo psi = new("setpriv") { UseShellExecute = false, RedirectStandardInput = true };
        foreach (string a in new[] { "--reuid=65534", "--regid=65534", "--clear-groups", "--", "/usr/bin/env", $"NONO_SIBLING_SECRET={secret}", "/bin/sh", "-c", "read line" })
        {
            psi.ArgumentList.Add(a);
        }

        using Process sibling = Process.Start(psi)!;
        try
        {
            await WaitUntilAsync(() => File.Exists($"/proc/{sibling.Id}/environ") && ReadsSecret(sibling.Id, secret));
            string script = $"cat /proc/{sibling.Id}/environ | tr '\\0' '\\n' | grep NONO_SIBLING || echo environ-denied; kill -0 {sibling.Id} && echo SIGNALLED || echo signal-denied";

            ProcessResult outside = await ProcessRunner.RunAsync("/bin/sh", ["-c", script], TestUser.Nobody, sb.Environment, cancellationToken: TestContext.Current.CancellationToken);
            ProcessResult inside = await sb.SandboxedAsync("run", [], "/bin/sh", "-c", script);

            Assert.Contains(secret, outside.StandardOutput);
            Assert.DoesNotContain(secret, inside.StandardOutput);
            Assert.Contains("environ-denied", inside.StandardOutput);
            Assert.Contains("signal-denied", inside.StandardOutput);
        }
        finally
        {
            sibling.Kill();
        }
    }

    private static bool ReadsSecret(int pid, string secret)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/environ").Contains(secret, StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        // setpriv execs env, which execs sh: wait until the final image holds the variable (bounded, not timed).
        for (int i = 0; i < 3000 && !condition(); i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.True(condition());
    }
}
