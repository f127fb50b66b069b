namespace Nono.Core.Audit.Events;

/// <summary>A network request seen by the egress proxy, allowed or denied.</summary>
public sealed record NetworkEvent : AuditEvent
{
    /// <summary>Destination host name or address.</summary>
    public required string Host { get; init; }

    /// <summary>Destination port.</summary>
    public int Port { get; init; }

    /// <summary>HTTP method, when the proxy saw one (null for opaque CONNECT tunnels).</summary>
    public string? Method { get; init; }

    /// <summary>Request path without the query string, when known.</summary>
    public string? Path { get; init; }

    /// <summary>Allowed or denied.</summary>
    public NetworkDecision Decision { get; init; }

    /// <summary>Why it was denied (rule or reason), when denied.</summary>
    public string? Reason { get; init; }

    /// <summary>The upstream status code, when forwarded.</summary>
    public int? Status { get; init; }
}
