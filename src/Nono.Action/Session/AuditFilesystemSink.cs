using Nono.Core.Audit;
using Nono.Core.Audit.Events;
using Nono.Core.Audit.Observers;

namespace Nono.Action.Session;

/// <summary>
/// Turns observed filesystem denials into audit events. Observers report from their own threads and must never wait
/// on disk (a waiting seccomp observer stalls the sandbox), so events go through an <see cref="AuditEventPump{T}"/>.
/// </summary>
internal sealed class AuditFilesystemSink : IFilesystemObservationSink, IAsyncDisposable
{
    private readonly AuditEventPump<FilesystemObservation> _pump;

    public AuditFilesystemSink(AuditSession? session) => _pump = new AuditEventPump<FilesystemObservation>(session, ToEvent);

    public void Record(FilesystemObservation observation) => _pump.Post(observation);

    /// <summary>Stops accepting events and waits until every recorded one is in the audit log.</summary>
    public ValueTask DisposeAsync() => _pump.DisposeAsync();

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
