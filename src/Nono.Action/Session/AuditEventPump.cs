using System.Threading.Channels;
using Nono.Core.Audit;
using Nono.Core.Audit.Events;

namespace Nono.Action.Session;

/// <summary>
/// Carries events from threads that must never wait on disk (the proxy's connections, the observers) into the audit log,
/// in order, through a channel that one pump drains. The pump starts with the first event: a run that records none (most
/// runs, and every run without an audit session) starts no thread-pool work for it, which keeps the thread pool out of
/// nono's start-up.
/// </summary>
internal sealed class AuditEventPump<T>
{
    private readonly Channel<T> _events = Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = true });
    private readonly AuditSession? _session;
    private readonly Func<T, AuditEvent> _toEvent;
    private readonly Lock _lock = new();
    private Task? _pump;

    public AuditEventPump(AuditSession? session, Func<T, AuditEvent> toEvent)
    {
        _session = session;
        _toEvent = toEvent;
    }

    /// <summary>Queues one event (dropped when there is no session, or after <see cref="DisposeAsync"/>); never blocks on disk.</summary>
    public void Post(T item)
    {
        if (_session is null || !_events.Writer.TryWrite(item))
        {
            return;
        }

        lock (_lock)
        {
            _pump ??= Task.Run(PumpAsync);
        }
    }

    /// <summary>Stops accepting events and returns once every queued one is in the audit log.</summary>
    public async ValueTask DisposeAsync()
    {
        _events.Writer.TryComplete();
        Task? pump;
        lock (_lock)
        {
            pump = _pump;
            _pump ??= Task.CompletedTask; // a Post that wrote before the completion now starts no pump: the drain below reads it
        }

        // No pump yet: nothing was queued, or a Post is between its write and starting the pump. Drain on this thread
        // (outside the lock, so that Post never waits on the disk): the writer is complete, so this runs to the end.
        await (pump ?? PumpAsync());
    }

    private async Task PumpAsync()
    {
        await foreach (T item in _events.Reader.ReadAllAsync())
        {
            if (_session is not null)
            {
                await _session.AppendAsync(_toEvent(item));
            }
        }
    }
}
