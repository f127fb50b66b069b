using System.Net;

namespace Nono.Testing;

/// <summary>
/// Closes a test server's HttpListener once. Stop() followed by Close() makes the managed listener look the
/// endpoint up again and re-bind its port, which fails with "Address already in use" when a parallel test
/// has taken the port meanwhile (seen in CI).
/// </summary>
public static class HttpListenerShutdown
{
    public static void Close(HttpListener listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        try
        {
            listener.Close();
        }
        catch (HttpListenerException)
        {
            // Shutting a test server down must not fail the test that used it.
        }
    }
}
