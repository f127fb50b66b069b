using System.Net;
using Nono.Core.Proxy;

namespace ProxyBench;

/// <summary>Hosts the Nono egress proxy as the supervisor would, until stdin closes, allowing the origin's port. Writes "port token" to a file.</summary>
internal static class ProxyHost
{
    public static async Task<int> RunAsync(string portFile, int originPort)
    {
        // As `nono run` does before its first socket operation: inline continuations unless the environment says otherwise.
        string? chosen = Environment.GetEnvironmentVariable(SocketContinuations.Variable);
        if (SocketContinuations.ValueToSet(chosen) is string value)
        {
            Environment.SetEnvironmentVariable(SocketContinuations.Variable, value);
        }

        bool inline = Environment.GetEnvironmentVariable(SocketContinuations.Variable) == "1";
        await Console.Error.WriteLineAsync($"socket continuations: {(inline ? "inline" : "thread pool")}");
        CountingSink sink = new();
        await using RunningProxy proxy = await EgressProxy.StartAsync(
            new ProxyOptions
            {
                // The origin listens on a random port: since session 12 a port-less entry opens only 443 and 80.
                AllowedHosts = [$"bench.test.example:{originPort}"],
                ResolverOverrides = [new ResolverOverride("bench.test.example", IPAddress.Loopback)],
                MaxConnections = 8192,
            },
            listener: null,
            sink,
            CancellationToken.None);
        await File.WriteAllTextAsync(portFile, $"{proxy.Port} {proxy.SessionToken}");
        await Task.Run(() => Console.In.ReadToEnd());
        await Console.Error.WriteLineAsync($"events recorded: {sink.Count}");
        return 0;
    }
}
