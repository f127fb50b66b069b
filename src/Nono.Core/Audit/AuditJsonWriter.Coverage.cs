using System.Text.Json;
using Nono.Core.Audit.Events;

namespace Nono.Core.Audit;

/// <summary>The events that say what the record covers only partly: excluded paths and folded or suppressed events.</summary>
internal static partial class AuditJsonWriter
{
    private static void ExcludedPathChanged(Utf8JsonWriter w, ExcludedPathChangedEvent e)
    {
        w.WriteString("type"u8, "excluded_path_changed"u8);
        w.WriteString("path"u8, e.Path);
        Enum(w, "change"u8, ChangeName(e.Change), (int)e.Change);
        Optional(w, "entries_before"u8, e.EntriesBefore);
        Optional(w, "entries_after"u8, e.EntriesAfter);
        Optional(w, "root"u8, e.Root);
        w.WriteBoolean("complete"u8, e.Complete);
    }

    private static void EventsSuppressed(Utf8JsonWriter w, EventsSuppressedEvent e)
    {
        w.WriteString("type"u8, "events_suppressed"u8);
        w.WriteString("kind"u8, e.Kind);
        w.WriteNumber("suppressed"u8, e.Suppressed);
        w.WriteNumber("repeated"u8, e.Repeated);
        w.WriteNumber("cap"u8, e.Cap);
        w.WriteStartArray("repeats"u8);
        foreach (RepeatedEvent repeat in e.Repeats)
        {
            w.WriteStartObject();
            w.WriteString("subject"u8, repeat.Subject);
            Optional(w, "access"u8, repeat.Access);
            Optional(w, "mechanism"u8, repeat.Mechanism);
            w.WriteNumber("count"u8, repeat.Count);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
