using System.Net;
using System.Net.Sockets;
using Nono.Core.Diagnostics;

namespace Nono.Core.Proxy;

/// <summary>
/// Starts the supervisor-side egress proxy: an HTTP/1.1 forward proxy (CONNECT and absolute-form) with a host
/// allow-list, address checks on every resolved address, a per-session token, and phantom-token credential routes.
/// </summary>
/// <remarks>
/// Hand-written on <see cref="Socket"/>/<see cref="System.Net.Security.SslStream"/> rather than YARP: YARP needs
/// ASP.NET Core and Kestrel (a framework reference that weighs on NativeAOT size, start-up and trimming), has no
/// forward-proxy CONNECT support, and re-parses requests with lenient rules we would have to fight. Here every byte
/// of a head is parsed strictly, tunnels splice(2) in the kernel, and the whole surface is a few files to audit.
/// </remarks>
public static class EgressProxy
{
    /// <summary>
    /// Validates <paramref name="options"/> (all problems at once), loads credentials, and starts serving on
    /// <paramref name="listener"/> (an already-listening TCP socket, e.g. handed over from a network namespace; the proxy
    /// takes ownership) or, when null, on a socket it binds to <see cref="ProxyOptions.BindAddress"/> (loopback only).
    /// </summary>
    /// <exception cref="NonoException"><see cref="NonoErrorCode.InvalidPolicy"/> for invalid options or unavailable credentials;
    /// <see cref="NonoErrorCode.Io"/> when the port cannot be bound.</exception>
    public static async Task<RunningProxy> StartAsync(ProxyOptions options, Socket? listener, IProxyEventSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sink);
        cancellationToken.ThrowIfCancellationRequested();

        List<string> errors = [.. ProxyOptionsValidator.Validate(options, requireLoopbackBind: listener is null)];
        (IReadOnlyList<ResolvedService> services, IReadOnlyList<string> credentialErrors) =
            errors.Count == 0 ? await CredentialResolver.ResolveAsync(options, cancellationToken) : ([], []);
        errors.AddRange(credentialErrors);
        if (errors.Count > 0)
        {
            listener?.Dispose();
            throw new NonoException(NonoErrorCode.InvalidPolicy, "invalid proxy configuration: " + string.Join("; ", errors));
        }

        Socket socket = listener ?? Bind(options);
        if (socket.LocalEndPoint is not IPEndPoint endPoint || socket.SocketType != SocketType.Stream)
        {
            socket.Dispose();
            throw new NonoException(NonoErrorCode.InvalidPolicy, "the proxy listener must be a bound TCP socket");
        }

        List<AllowEntry> allow = [.. options.AllowedHosts.Select(h => AllowEntry.TryParse(h, out _)!)]; // validated above
        List<HostPattern> bypass = [.. options.UpstreamProxyBypass.Select(h => HostPattern.TryParse(h, out _)!)];
        SessionAuth auth = new(CredentialResolver.NewToken());
        string self = endPoint.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{endPoint.Address}]:{endPoint.Port}" : endPoint.ToString();
        ProxyContext ctx = new(options, allow, new UpstreamConnector(options, bypass), auth, services, sink, self);
        ProxyServer server = new(ctx, socket);
        server.Start();
        return new RunningProxy(server, endPoint, auth.Token, services);
    }

    private static Socket Bind(ProxyOptions options)
    {
        Socket socket = new(options.BindAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(options.BindAddress, options.Port));
            socket.Listen(1024);
            return socket;
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new NonoException(NonoErrorCode.Io, $"cannot listen on {options.BindAddress}:{options.Port}: {ex.SocketErrorCode}", syscall: "bind", errno: ex.ErrorCode, inner: ex);
        }
    }
}
