using System.Text.Json;
using Nono.Core.Audit.Events;
using Nono.Core.Audit.Observers;

namespace Nono.Core.Audit;

internal static partial class AuditJsonWriter
{
    /// <summary>One event object: <c>type</c> first, the derived type's properties, then <c>timestamp</c>.</summary>
    public static byte[] Event(AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        return Write(auditEvent, static (w, e) =>
        {
            switch (e)
            {
                case SessionStartedEvent started:
                    w.WriteString("type"u8, "session_started"u8);
                    Start(w, started.Command, started.PolicyDigest, started.EnforcementTier, started.LandlockAbi, started.Kernel, started.Runner);
                    break;
                case NetworkEvent network:
                    w.WriteString("type"u8, "network"u8);
                    w.WriteString("host"u8, network.Host);
                    w.WriteNumber("port"u8, network.Port);
                    Optional(w, "method"u8, network.Method);
                    Optional(w, "path"u8, network.Path);
                    Enum(w, "decision"u8, network.Decision switch
                    {
                        NetworkDecision.Allowed => "allowed",
                        NetworkDecision.Denied => "denied",
                        _ => null,
                    }, (int)network.Decision);
                    Optional(w, "reason"u8, network.Reason);
                    Optional(w, "status"u8, network.Status);
                    break;
                case FilesystemDeniedEvent denied:
                    w.WriteString("type"u8, "filesystem_denied"u8);
                    w.WriteString("path"u8, denied.Path);
                    w.WriteString("access"u8, denied.Access);
                    Optional(w, "pid"u8, denied.Pid);
                    Optional(w, "reason"u8, denied.Reason);
                    Optional(w, "mechanism"u8, denied.Mechanism);
                    break;
                case FilesystemObserversEvent observers:
                    w.WriteString("type"u8, "filesystem_observers"u8);
                    Observers(w, observers.Observers);
                    break;
                case GitControlChangedEvent git:
                    w.WriteString("type"u8, "git_control_changed"u8);
                    w.WriteString("path"u8, git.Path);
                    Enum(w, "change"u8, ChangeName(git.Change), (int)git.Change);
                    Optional(w, "before"u8, git.Before);
                    Optional(w, "after"u8, git.After);
                    Optional(w, "restore"u8, git.Restore);
                    break;
                case ExcludedPathChangedEvent excluded:
                    ExcludedPathChanged(w, excluded);
                    break;
                case EventsSuppressedEvent suppressed:
                    EventsSuppressed(w, suppressed);
                    break;
                case DnsTrapUnavailableEvent dns:
                    w.WriteString("type"u8, "dns_trap_unavailable"u8);
                    w.WriteString("reason"u8, dns.Reason);
                    break;
                case ProcessStartedEvent process:
                    w.WriteString("type"u8, "process_started"u8);
                    w.WriteNumber("pid"u8, process.Pid);
                    Optional(w, "parent_pid"u8, process.ParentPid);
                    w.WriteString("executable"u8, process.Executable);
                    Strings(w, "arguments"u8, process.Arguments);
                    break;
                case ProcessExitedEvent exited:
                    w.WriteString("type"u8, "process_exited"u8);
                    w.WriteNumber("pid"u8, exited.Pid);
                    Optional(w, "exit_code"u8, exited.ExitCode);
                    Optional(w, "signal"u8, exited.Signal);
                    break;
                case FileChangedEvent changed:
                    FileChanged(w, changed);
                    break;
                case PolicyWeakenedEvent weakened:
                    w.WriteString("type"u8, "policy_weakened"u8);
                    w.WriteString("setting"u8, weakened.Setting);
                    Optional(w, "from"u8, weakened.From);
                    Optional(w, "to"u8, weakened.To);
                    Optional(w, "reason"u8, weakened.Reason);
                    break;
                case SessionEndedEvent ended:
                    w.WriteString("type"u8, "session_ended"u8);
                    Optional(w, "exit_code"u8, ended.ExitCode);
                    Optional(w, "signal"u8, ended.Signal);
                    w.WriteNumber("duration_ms"u8, ended.DurationMs);
                    break;
                default:
                    // The serializer fails the same way (JsonUnknownDerivedTypeHandling.FailSerialization).
                    throw new NotSupportedException($"audit event type {e.GetType().Name} has no JSON form");
            }

            w.WriteString("timestamp"u8, e.Timestamp);
        });
    }

    private static string? ChangeName(FileChangeKind change) => change switch
    {
        FileChangeKind.Added => "added",
        FileChangeKind.Modified => "modified",
        FileChangeKind.Deleted => "deleted",
        _ => null,
    };

    private static void FileChanged(Utf8JsonWriter w, FileChangedEvent changed)
    {
        w.WriteString("type"u8, "file_changed"u8);
        w.WriteString("path"u8, changed.Path);
        Enum(w, "change"u8, ChangeName(changed.Change), (int)changed.Change);
        Optional(w, "before_digest"u8, changed.BeforeDigest);
        Optional(w, "after_digest"u8, changed.AfterDigest);
        Optional(w, "before_size"u8, changed.BeforeSize);
        Optional(w, "after_size"u8, changed.AfterSize);
        Optional(w, "before_type"u8, changed.BeforeType);
        Optional(w, "after_type"u8, changed.AfterType);
        Optional(w, "before_mode"u8, changed.BeforeMode);
        Optional(w, "after_mode"u8, changed.AfterMode);
        Optional(w, "root"u8, changed.Root);
        w.WriteBoolean("protected"u8, changed.Protected);
    }

    private static void Observers(Utf8JsonWriter w, IReadOnlyList<ObserverReport>? reports)
    {
        if (reports is null)
        {
            return;
        }

        w.WriteStartArray("observers"u8);
        foreach (ObserverReport? report in reports)
        {
            if (report is null)
            {
                w.WriteNullValue();
                continue;
            }

            w.WriteStartObject();
            w.WriteString("mechanism"u8, report.Mechanism);
            w.WriteString("status"u8, report.Status);
            Optional(w, "detail"u8, report.Detail);
            w.WriteNumber("denials"u8, report.Denials);
            w.WriteNumber("seen"u8, report.Seen);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
