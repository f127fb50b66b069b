namespace Nono.Core.Proxy;

/// <summary>
/// One structured record per request or denial, handed to an <see cref="IProxyEventSink"/>.
/// It never contains a session token, phantom token or real credential.
/// </summary>
public sealed record ProxyEvent
{
    /// <summary>When the request started (from the proxy's <see cref="TimeProvider"/>).</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>How the request reached the proxy.</summary>
    public required ProxyMode Mode { get; init; }

    /// <summary>The target host as requested (normalized when valid), or the service name for reverse routes.</summary>
    public string? Host { get; init; }

    /// <summary>The target port, or 0 when unknown.</summary>
    public int Port { get; init; }

    /// <summary>The HTTP method, when known.</summary>
    public string? Method { get; init; }

    /// <summary>For reverse routes, the path below the service route (no query string; phantom tokens redacted).</summary>
    public string? Path { get; init; }

    /// <summary>The decision.</summary>
    public required ProxyDecision Decision { get; init; }

    /// <summary>A short machine-readable reason, e.g. <c>host-not-allowed</c> or <c>address-denied:link-local</c>.</summary>
    public required string Reason { get; init; }

    /// <summary>The HTTP status returned to the child (200 for an established tunnel).</summary>
    public int Status { get; init; }

    /// <summary>Bytes sent from the child towards the upstream (bodies and tunnel payload).</summary>
    public long BytesUp { get; init; }

    /// <summary>Bytes sent from the upstream towards the child (bodies and tunnel payload).</summary>
    public long BytesDown { get; init; }

    /// <summary>How long the request or tunnel lasted.</summary>
    public TimeSpan Duration { get; init; }
}
