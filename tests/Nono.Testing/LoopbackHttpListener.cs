using System.Net;
using System.Net.Sockets;

namespace Nono.Testing;

/// <summary>
/// Starting and stopping test HTTP servers on 127.0.0.1. HttpListener cannot bind port 0, so a free port is
/// picked and, when a parallel test takes it first ("Address already in use", seen in CI), another one is tried.
/// </summary>
public static class LoopbackHttpListener
{
    public static HttpListener Start(out Uri baseAddress) => Start(IPAddress.Loopback, out baseAddress);

    /// <summary>Starts on another loopback address (any of 127.0.0.0/8), e.g. to stand for a second host.</summary>
    public static HttpListener Start(IPAddress loopback, out Uri baseAddress)
    {
        ArgumentNullException.ThrowIfNull(loopback);
        if (!IPAddress.IsLoopback(loopback))
        {
            throw new ArgumentException("test servers listen on loopback only", nameof(loopback));
        }

        for (int attempt = 1; ; attempt++)
        {
            baseAddress = new Uri($"http://{loopback}:{FreePort(loopback)}/");
            HttpListener listener = new();
            listener.Prefixes.Add(baseAddress.ToString());
            try
            {
                listener.Start();
                return listener;
            }
            catch (HttpListenerException) when (attempt < 20)
            {
                // A failed Start leaves the listener closed (Stop would throw ObjectDisposedException);
                // nothing is bound, so it is simply dropped and another port tried.
            }
        }
    }

    /// <summary>
    /// Stops the listener (which also ends a pending GetContextAsync). It is not closed afterwards: Close()
    /// after Stop() makes the managed listener look the endpoint up again and re-bind its port, which fails
    /// when another test has taken the port meanwhile.
    /// </summary>
    public static void Close(HttpListener listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        try
        {
            listener.Stop();
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
        {
            // Shutting a test server down must not fail the test that used it.
        }
    }

    private static int FreePort(IPAddress address)
    {
        using TcpListener probe = new(address, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
