namespace Nono.Core.Proxy;

/// <summary>
/// Idle upstream connections of one proxy session, per <see cref="UpstreamKey"/>, bounded per key and in total.
/// A connection is returned only after a cleanly framed exchange; it is handed out again only while it is younger
/// than <see cref="MaxLifetime"/>, idle for less than <see cref="IdleLimit"/> (below the usual 5 s server keep-alive
/// of Node, uvicorn and others, so the upstream rarely closes it first) and nothing arrived on it while idle.
/// Every connection was made to an address checked when it was made; the lifetime limit bounds how long a DNS answer
/// stays in use through reuse. <see cref="Dispose"/> closes every idle connection, and any returned later.
/// </summary>
internal sealed class UpstreamPool : IDisposable
{
    public static readonly TimeSpan IdleLimit = TimeSpan.FromSeconds(4);
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromSeconds(60);
    public const int MaxIdlePerKey = 8;
    public const int MaxIdleTotal = 64;

    private readonly Lock _lock = new();
    private readonly Dictionary<UpstreamKey, List<UpstreamConnection>> _idle = [];
    private readonly TimeProvider _time;
    private readonly ITimer _sweeper;
    private int _count;
    private bool _closed;

    public UpstreamPool(TimeProvider time)
    {
        _time = time;
        _sweeper = time.CreateTimer(static s => ((UpstreamPool)s!).Sweep(), this, IdleLimit, IdleLimit);
    }

    /// <summary>Idle connections held now.</summary>
    public int IdleCount
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    /// <summary>The most recently used usable idle connection for <paramref name="key"/>, or null.</summary>
    public UpstreamConnection? TryRent(UpstreamKey key)
    {
        List<UpstreamConnection> stale = [];
        UpstreamConnection? found = null;
        lock (_lock)
        {
            if (_idle.TryGetValue(key, out List<UpstreamConnection>? list))
            {
                while (found is null && list.Count > 0)
                {
                    UpstreamConnection candidate = list[^1];
                    list.RemoveAt(list.Count - 1);
                    _count--;
                    if (IsUsable(candidate))
                    {
                        found = candidate;
                    }
                    else
                    {
                        stale.Add(candidate);
                    }
                }

                if (list.Count == 0)
                {
                    _idle.Remove(key);
                }
            }
        }

        stale.ForEach(c => c.Dispose());
        found?.MarkReused();
        return found;
    }

    /// <summary>Takes back a connection whose exchange ended cleanly; closes it when it cannot be kept.</summary>
    public void Return(UpstreamConnection connection)
    {
        connection.IdleSince = _time.GetTimestamp();
        if (!IsExpired(connection) && connection.StartWatching())
        {
            lock (_lock)
            {
                if (!_closed && _count < MaxIdleTotal)
                {
                    if (!_idle.TryGetValue(connection.Key, out List<UpstreamConnection>? list))
                    {
                        _idle[connection.Key] = list = [];
                    }

                    if (list.Count < MaxIdlePerKey)
                    {
                        list.Add(connection);
                        _count++;
                        return;
                    }
                }
            }
        }

        connection.Dispose();
    }

    public void Dispose()
    {
        List<UpstreamConnection> all;
        lock (_lock)
        {
            _closed = true;
            all = [.. _idle.Values.SelectMany(l => l)];
            _idle.Clear();
            _count = 0;
        }

        _sweeper.Dispose();
        all.ForEach(c => c.Dispose());
    }

    private bool IsUsable(UpstreamConnection c) => !IsExpired(c) && c.IsQuiet;

    private bool IsExpired(UpstreamConnection c) =>
        _time.GetElapsedTime(c.CreatedAt) >= MaxLifetime || _time.GetElapsedTime(c.IdleSince) >= c.IdleLimit;

    /// <summary>Closes expired and no longer quiet connections so idle sockets do not outlive the idle limit.</summary>
    private void Sweep()
    {
        List<UpstreamConnection> stale = [];
        lock (_lock)
        {
            foreach (List<UpstreamConnection> list in _idle.Values)
            {
                stale.AddRange(list.Where(c => !IsUsable(c)));
                list.RemoveAll(stale.Contains);
            }

            foreach (UpstreamKey key in _idle.Where(kv => kv.Value.Count == 0).Select(kv => kv.Key).ToList())
            {
                _idle.Remove(key);
            }

            _count -= stale.Count;
        }

        stale.ForEach(c => c.Dispose());
    }
}
