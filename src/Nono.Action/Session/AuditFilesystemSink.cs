using Nono.Core.Audit;
using Nono.Core.Audit.Events;
using Nono.Core.Audit.Observers;

namespace Nono.Action.Session;

/// <summary>
/// Turns observed filesystem denials into audit events. Observers report from their own threads and must never wait
/// on disk (a waiting seccomp observer stalls the sandbox), so events go through an <see cref="AuditEventPump{T}"/>.
/// Identical denials (mechanism, path, access) are recorded once and counted; distinct ones past <see cref="Cap"/> are
/// counted as suppressed. Both counts end the record as one <see cref="EventsSuppressedEvent"/>.
/// </summary>
internal sealed class AuditFilesystemSink : IFilesystemObservationSink, IAsyncDisposable
{
    /// <summary>
    /// Distinct denial events per session. A path is at most 4 KiB (up to 6 bytes each in JSON), so this keeps the denials
    /// of one record under ~100 MB even in the worst case, well inside what a review reads (256 MiB).
    /// </summary>
    public const int Cap = 4096;

    /// <summary>The most repeated denials named in the final count.</summary>
    public const int RepeatsListed = 20;

    private readonly AuditEventPump<FilesystemObservation> _pump;
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Mechanism, string Path, string Access), long> _seen = [];
    private readonly int _cap;
    private long _repeated;
    private bool _closed;

    public AuditFilesystemSink(AuditSession? session, int cap = Cap)
    {
        _cap = cap;
        _pump = new AuditEventPump<FilesystemObservation>(session, ToEvent, "filesystem_denied", cap);
    }

    public void Record(FilesystemObservation observation)
    {
        ArgumentNullException.ThrowIfNull(observation);
        lock (_lock)
        {
            if (_closed)
            {
                return; // after the final count, like the pump after its drain
            }

            (string, string, string) key = (observation.Mechanism, observation.Path, observation.Access);
            if (_seen.TryGetValue(key, out long count))
            {
                _seen[key] = count + 1;
                _repeated++;
                return;
            }

            if (_seen.Count < _cap)
            {
                _seen[key] = 1; // past the cap the pump suppresses it: not remembered, so memory stays bounded
            }
        }

        _pump.Post(observation);
    }

    /// <summary>Stops accepting events and waits until every recorded one, and the count of the rest, is in the audit log.</summary>
    public ValueTask DisposeAsync()
    {
        long repeated;
        RepeatedEvent[] top;
        lock (_lock)
        {
            _closed = true;
            repeated = _repeated;
            top = repeated == 0 ? [] : MostRepeated(_seen);
        }

        return _pump.DisposeAsync(repeated, top);
    }

    /// <summary>
    /// The <see cref="RepeatsListed"/> most repeated denials, most first, then by path. A loop and a sort rather than a
    /// LINQ chain: over this dictionary's value-tuple keys, the chain's generic virtual calls are resolved at run time in
    /// the AOT build, about 2 ms of CPU at every audited run's end (perf, s14-auditfast) even when nothing repeated.
    /// </summary>
    private static RepeatedEvent[] MostRepeated(Dictionary<(string Mechanism, string Path, string Access), long> seen)
    {
        List<(RepeatedEvent Event, int Order)> repeats = [];
        foreach (KeyValuePair<(string Mechanism, string Path, string Access), long> entry in seen)
        {
            if (entry.Value > 1)
            {
                repeats.Add((new RepeatedEvent { Subject = entry.Key.Path, Access = entry.Key.Access, Mechanism = entry.Key.Mechanism, Count = entry.Value }, repeats.Count));
            }
        }

        // List.Sort is not stable: the dictionary order breaks the remaining ties, as OrderBy/ThenBy did.
        repeats.Sort(static (a, b) =>
        {
            int order = b.Event.Count.CompareTo(a.Event.Count);
            order = order != 0 ? order : string.CompareOrdinal(a.Event.Subject, b.Event.Subject);
            return order != 0 ? order : a.Order.CompareTo(b.Order);
        });
        RepeatedEvent[] top = new RepeatedEvent[Math.Min(RepeatsListed, repeats.Count)];
        for (int i = 0; i < top.Length; i++)
        {
            top[i] = repeats[i].Event;
        }

        return top;
    }

    private static FilesystemDeniedEvent ToEvent(FilesystemObservation o) => new()
    {
        Timestamp = o.Timestamp,
        Path = o.Path,
        Access = o.Access,
        Pid = o.Pid,
        Reason = o.Reason,
        Mechanism = o.Mechanism,
    };
}
