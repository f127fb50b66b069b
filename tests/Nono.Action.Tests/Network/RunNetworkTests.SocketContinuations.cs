using Nono.Action.Tests.Sandbox;
using Nono.Testing;

namespace Nono.Action.Tests.Network;

public sealed partial class RunNetworkTests
{
    /// <summary>Prints what the sandboxed command sees of the runtime switch, then waits for a line on stdin.</summary>
    private const string SwitchProbe = """
        import os, sys
        print("child-sees", os.environ.get("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "-"), flush=True)
        sys.stdin.readline()
        """;

    /// <summary>
    /// The supervisor runs socket continuations inline (the proxy's latency setting) and the sandboxed command does not
    /// inherit the switch. The runtime starts one epoll thread (".NET Sockets") per processor when continuations are inline
    /// and one in all when they go to the thread pool, so the supervisor's thread names show which setting is in force.
    /// A user's explicit value wins: <c>=0</c> restores the thread pool (and, being the user's own, reaches the child).
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current, "netns", null)]
    [InlineData(TestUser.Nobody, "netns", null)]
    [InlineData(TestUser.Nobody, "landlock-tcp", null)]
    [InlineData(TestUser.Current, "netns", "0")]
    public async Task Run_ProxyMode_SupervisorRunsSocketContinuationsInline_ChildDoesNotInherit(TestUser user, string tier, string? chosen)
    {
        Assert.SkipWhen(Environment.ProcessorCount < 2, "one processor: one epoll thread either way, the settings look alike");
        using CancellationTokenSource guard = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        guard.CancelAfter(TimeSpan.FromMinutes(1)); // a guard against a hang, not a timed assertion
        CancellationToken ct = guard.Token;
        using NonoSandbox sb = new(user);
        sb.Environment["NONO_NETWORK_TIER"] = tier;
        if (chosen is not null)
        {
            sb.Environment["DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"] = chosen;
        }

        using System.Diagnostics.Process nono = sb.Start(["run", .. SandboxSystemPaths.CliFlags, "--allow-domain", "api.test", .. OptIn(tier), "--", NonoSandbox.Python, "-c", SwitchProbe]);
        try
        {
            Task<string> stderr = nono.StandardError.ReadToEndAsync(ct);
            string? first = await nono.StandardOutput.ReadLineAsync(ct);
            Assert.True(first?.StartsWith("child-sees ", StringComparison.Ordinal) == true, $"{first} {(nono.HasExited ? await stderr : "")}");
            int epollThreads = Directory.GetDirectories($"/proc/{nono.Id}/task").Count(task => ThreadName(task) == ".NET Sockets");

            await nono.StandardInput.WriteLineAsync("done".AsMemory(), ct);
            await nono.StandardInput.FlushAsync(ct);
            await nono.WaitForExitAsync(ct);

            Assert.True(nono.ExitCode == 0, await stderr);
            // The runtime's own rule for the thread-pool setting: one epoll thread per 30 x64 (8 Arm) processors.
            double perEngine = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture is System.Runtime.InteropServices.Architecture.Arm64 or System.Runtime.InteropServices.Architecture.Arm ? 8 : 30;
            Assert.Equal(chosen is null ? Environment.ProcessorCount : Math.Max(1, (int)Math.Round(Environment.ProcessorCount / perEngine)), epollThreads);
            Assert.Equal($"child-sees {chosen ?? "-"}", first);
        }
        finally
        {
            if (!nono.HasExited)
            {
                nono.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>A thread's name, or null when it exited between listing and reading.</summary>
    private static string? ThreadName(string taskDirectory)
    {
        try
        {
            return File.ReadAllText(Path.Combine(taskDirectory, "comm")).TrimEnd('\n');
        }
        catch (IOException)
        {
            return null;
        }
    }
}
