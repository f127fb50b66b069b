using System.Threading.Channels;
using Nono.Core.Audit;
using Nono.Core.Audit.Events;
using Nono.Core.Audit.Observers;

namespace Nono.Action.Session;

/// <summary>
/// Turns observed filesystem denials into audit events. Observers report from their own threads and must never wait
/// on disk (a waiting seccomp observer stalls the sandbox), so events go through a channel that one pump drains.
/// </summary>
internal sealed class AuditFilesystemSink : IFilesystemObservationSink, IAsyncDisposable
{
    private readonly Channel<FilesystemObservation> _events = Channel.CreateUnbounded<FilesystemObservation>(new UnboundedChannelOptions { SingleReader = true });
    private readonly AuditSession? _session;
    private readonly Task _pump;

    public AuditFilesystemSink(AuditSession? session)
    {
        _session = session;
        _pump = Task.Run(PumpAsync);
    }

    public void Record(FilesystemObservation observation) => _events.Writer.TryWrite(observation);

    /// <summary>Stops accepting events and waits until every recorded one is in the audit log.</summary>
    public async ValueTask DisposeAsync()
    {
        _events.Writer.TryComplete();
        await _pump;
    }

    private async Task PumpAsync()
    {
        await foreach (FilesystemObservation o in _events.Reader.ReadAllAsync())
        {
            if (_session is not null)
            {
                await _session.AppendAsync(new FilesystemDeniedEvent
                {
                    Timestamp = o.Timestamp,
                    Path = o.Path,
                    Access = o.Access,
                    Pid = o.Pid,
                    Reason = o.Reason,
                    Mechanism = o.Mechanism,
                });
            }
        }
    }
}
