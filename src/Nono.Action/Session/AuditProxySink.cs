using Nono.Core.Audit;
using Nono.Core.Audit.Events;
using Nono.Core.Proxy;

namespace Nono.Action.Session;

/// <summary>
/// Turns the proxy's events into audit events. The proxy reports from its connection threads and must never
/// wait on disk, so events go through an <see cref="AuditEventPump{T}"/> into the session in order.
/// Also keeps per-host counts for the reports.
/// </summary>
internal sealed class AuditProxySink : IProxyEventSink, IAsyncDisposable
{
    private readonly AuditEventPump<ProxyEvent> _pump;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (int Allowed, int Denied)> _hosts = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Network events per session; past it they are counted (the per-host counts below stay exact).</summary>
    public const int Cap = 20_000;

    public AuditProxySink(AuditSession? session, int cap = Cap) => _pump = new AuditEventPump<ProxyEvent>(session, ToEvent, "network", cap);

    /// <summary>Requests per host so far: allowed and denied counts.</summary>
    public IReadOnlyDictionary<string, (int Allowed, int Denied)> Hosts
    {
        get
        {
            lock (_lock)
            {
                return new Dictionary<string, (int, int)>(_hosts, StringComparer.OrdinalIgnoreCase);
            }
        }
    }

    public void Record(ProxyEvent proxyEvent)
    {
        lock (_lock)
        {
            string host = proxyEvent.Host ?? "(unknown)";
            (int allowed, int denied) = _hosts.GetValueOrDefault(host);
            _hosts[host] = proxyEvent.Decision == ProxyDecision.Allowed ? (allowed + 1, denied) : (allowed, denied + 1);
        }

        _pump.Post(proxyEvent);
    }

    /// <summary>Stops accepting events and waits until every recorded one is in the audit log.</summary>
    public ValueTask DisposeAsync() => _pump.DisposeAsync();

    private static NetworkEvent ToEvent(ProxyEvent e) => new()
    {
        Timestamp = e.Timestamp,
        Host = e.Host ?? "(unknown)",
        Port = e.Port,
        Method = e.Method,
        Path = e.Path,
        Decision = e.Decision == ProxyDecision.Allowed ? NetworkDecision.Allowed : NetworkDecision.Denied,
        Reason = e.Decision == ProxyDecision.Allowed ? null : e.Reason,
        Status = e.Status == 0 ? null : e.Status,
    };
}
