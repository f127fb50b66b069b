using System.Net;
using System.Net.Sockets;
using Nono.Action.Tests.Sandbox;
using Nono.Testing;

namespace Nono.Action.Tests.Network;

public sealed partial class RunNetworkTests
{
    /// <summary>Prints the proxy's port, waits for a line on stdin, then connects to that port on 127.0.0.2.</summary>
    private const string SamePortProbe = """
        import os, socket, sys
        port = int(os.environ["HTTP_PROXY"].rsplit(":", 1)[1])
        print("port", port, flush=True)
        sys.stdin.readline()
        try:
            socket.create_connection(("127.0.0.2", port), timeout=5).close(); print("same-port ok", flush=True)
        except OSError as e:
            print("same-port fail", e.errno, flush=True)
        """;

    /// <summary>
    /// The difference between the tiers, shown honestly: a host service listening on the proxy's port number at another
    /// loopback address is reachable in the Landlock-TCP fallback (its rule is per port, not per destination) and not
    /// in the private namespace.
    /// </summary>
    [Theory]
    [MemberData(nameof(UsersAndTiers))]
    public async Task Run_HostServiceOnTheProxyPort_ReachableOnlyInTheFallbackTier(TestUser user, string tier)
    {
        // A guard against a hang, not a timed assertion.
        using CancellationTokenSource guard = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        guard.CancelAfter(TimeSpan.FromMinutes(1));
        CancellationToken ct = guard.Token;
        using NonoSandbox sb = new(user);
        sb.Environment["NONO_NETWORK_TIER"] = tier;
        using System.Diagnostics.Process nono = sb.Start(["run", .. SandboxSystemPaths.CliFlags, "--allow-domain", "api.test", .. OptIn(tier), "--", NonoSandbox.Python, "-c", SamePortProbe]);
        try
        {
            Task<string> stderr = nono.StandardError.ReadToEndAsync(ct);
            string? first = await nono.StandardOutput.ReadLineAsync(ct);
            Assert.True(first?.StartsWith("port ", StringComparison.Ordinal) == true, $"{first} {(nono.HasExited ? await stderr : "")}");
            int port = int.Parse(first!["port ".Length..]); // checked above
            using TcpListener hostService = new(IPAddress.Parse("127.0.0.2"), port);
            hostService.Start();

            await nono.StandardInput.WriteLineAsync("go".AsMemory(), ct);
            await nono.StandardInput.FlushAsync(ct);
            string? verdict = await nono.StandardOutput.ReadLineAsync(ct);
            await nono.WaitForExitAsync(ct);

            Assert.Equal(tier == "netns" ? "same-port fail 111" : "same-port ok", verdict);
            Assert.Equal(tier != "netns", hostService.Pending());
        }
        finally
        {
            if (!nono.HasExited)
            {
                nono.Kill(entireProcessTree: true);
            }
        }
    }
}
