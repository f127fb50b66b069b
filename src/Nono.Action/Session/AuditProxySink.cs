using System.Threading.Channels;
using Nono.Core.Audit;
using Nono.Core.Audit.Events;
using Nono.Core.Proxy;

namespace Nono.Action.Session;

/// <summary>
/// Turns the proxy's events into audit events. The proxy reports from its connection threads and must never
/// wait on disk, so events go through an unbounded channel that one pump drains into the session in order.
/// Also keeps per-host counts for the reports.
/// </summary>
internal sealed class AuditProxySink : IProxyEventSink, IAsyncDisposable
{
    private readonly Channel<ProxyEvent> _events = Channel.CreateUnbounded<ProxyEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly AuditSession? _session;
    private readonly Task _pump;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (int Allowed, int Denied)> _hosts = new(StringComparer.OrdinalIgnoreCase);

    public AuditProxySink(AuditSession? session)
    {
        _session = session;
        _pump = Task.Run(PumpAsync);
    }

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

        _events.Writer.TryWrite(proxyEvent);
    }

    /// <summary>Stops accepting events and waits until every recorded one is in the audit log.</summary>
    public async ValueTask DisposeAsync()
    {
        _events.Writer.TryComplete();
        await _pump;
    }

    private async Task PumpAsync()
    {
        await foreach (ProxyEvent e in _events.Reader.ReadAllAsync())
        {
            if (_session is null)
            {
                continue;
            }

            await _session.AppendAsync(new NetworkEvent
            {
                Timestamp = e.Timestamp,
                Host = e.Host ?? "(unknown)",
                Port = e.Port,
                Method = e.Method,
                Path = e.Path,
                Decision = e.Decision == ProxyDecision.Allowed ? NetworkDecision.Allowed : NetworkDecision.Denied,
                Reason = e.Decision == ProxyDecision.Allowed ? null : e.Reason,
                Status = e.Status == 0 ? null : e.Status,
            });
        }
    }
}
