using System.Threading.Channels;
using Nono.Core.Audit;
using Nono.Core.Audit.Events;

namespace Nono.Action.Session;

/// <summary>
/// Carries events from threads that must never wait on disk (the proxy's connections, the observers) into the audit log,
/// in order, through a channel that one pump drains. The pump starts with the first event: a run that records none (most
/// runs, and every run without an audit session) starts no thread-pool work for it, which keeps the thread pool out of
/// nono's start-up. At most <c>cap</c> events are queued per session (memory and the record stay bounded under a flood);
/// the rest are counted and the count is written at the end as an <see cref="EventsSuppressedEvent"/>, inside the chain.
/// </summary>
internal sealed class AuditEventPump<T>
{
    private readonly Channel<T> _events = Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = true });
    private readonly AuditSession? _session;
    private readonly Func<T, AuditEvent> _toEvent;
    private readonly string _kind;
    private readonly int _cap;
    private readonly Lock _lock = new();
    private Task? _pump;
    private long _accepted;
    private long _suppressed;
    private bool _summarized;

    public AuditEventPump(AuditSession? session, Func<T, AuditEvent> toEvent, string kind, int cap)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cap);
        _session = session;
        _toEvent = toEvent;
        _kind = kind;
        _cap = cap;
    }

    /// <summary>Events not queued because the cap was reached.</summary>
    public long Suppressed => Interlocked.Read(ref _suppressed);

    /// <summary>Queues one event (dropped when there is no session, or after <see cref="DisposeAsync"/>); never blocks on disk.</summary>
    public void Post(T item)
    {
        if (_session is null)
        {
            return;
        }

        if (Interlocked.Increment(ref _accepted) > _cap)
        {
            Interlocked.Increment(ref _suppressed);
            return;
        }

        if (!_events.Writer.TryWrite(item))
        {
            return;
        }

        lock (_lock)
        {
            _pump ??= Task.Run(PumpAsync);
        }
    }

    /// <summary>
    /// Stops accepting events and returns once every queued one is in the audit log, followed by the count of suppressed
    /// events and the <paramref name="repeats"/> the caller folded (once, when there are any).
    /// </summary>
    public async ValueTask DisposeAsync(long repeated = 0, IReadOnlyList<RepeatedEvent>? repeats = null)
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
        long suppressed = Suppressed;
        if (_session is null || _summarized || (suppressed == 0 && repeated == 0))
        {
            return;
        }

        _summarized = true;
        await _session.AppendAsync(new EventsSuppressedEvent
        {
            Kind = _kind,
            Suppressed = suppressed,
            Repeated = repeated,
            Cap = _cap,
            Repeats = repeats ?? [],
        });
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
