using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using Nono.Core.Audit.Events;

namespace Nono.Core.Audit;

/// <summary>
/// The line format of audit-events.ndjson: <c>{"seq":N,"leaf":"hex","chain":"hex","event":{…}}</c>.
/// The event object's exact bytes are what is hashed, so reading never depends on re-serialization.
/// </summary>
internal static class AuditEventLog
{
    public static byte[] FormatLine(long seq, byte[] leaf, byte[] chain, byte[] eventJson)
    {
        ArrayBufferWriter<byte> buffer = new(eventJson.Length + 200);
        using (Utf8JsonWriter writer = new(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("seq", seq);
            writer.WriteString("leaf", AuditHashing.Hex(leaf));
            writer.WriteString("chain", AuditHashing.Hex(chain));
            writer.WritePropertyName("event");
            writer.WriteRawValue(eventJson, skipInputValidation: true);
            writer.WriteEndObject();
        }

        return [.. buffer.WrittenSpan, (byte)'\n'];
    }

    /// <summary>Parses one line. Returns null and a reason when the line is not a well-formed record.</summary>
    public static AuditRecord? ParseLine(ReadOnlySpan<byte> line, out string? problem)
    {
        problem = null;
        try
        {
            using JsonDocument document = JsonDocument.Parse(line.ToArray(), StrictJsonObject.Options);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("seq", out JsonElement seq) || !seq.TryGetInt64(out long seqValue)
                || !root.TryGetProperty("leaf", out JsonElement leaf) || leaf.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("chain", out JsonElement chain) || chain.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("event", out JsonElement ev) || ev.ValueKind != JsonValueKind.Object)
            {
                problem = "not an audit record (seq, leaf, chain, event)";
                return null;
            }

            if (StrictJsonObject.UnknownProperty(root, "seq", "leaf", "chain", "event") is { } unknown)
            {
                problem = $"unknown property '{unknown}' in the record";
                return null;
            }

            byte[] eventJson = JsonMarshal.GetRawUtf8Value(ev).ToArray();
            AuditEvent? parsed = null;
            try
            {
                parsed = JsonSerializer.Deserialize(eventJson, AuditJsonContext.Default.AuditEvent);
            }
            catch (Exception ex) when (ex is JsonException or NotSupportedException)
            {
                problem = "event does not parse: " + ex.Message.ReplaceLineEndings(" ");
            }

            return new AuditRecord(seqValue, parsed, eventJson, leaf.GetString() ?? "", chain.GetString() ?? "");
        }
        catch (JsonException ex)
        {
            problem = "malformed JSON: " + ex.Message.ReplaceLineEndings(" ");
            return null;
        }
    }

    /// <summary>Splits the file into lines; a final line without '\n' is reported as truncated.</summary>
    public static List<(byte[] Line, bool Terminated)> ReadLines(byte[] content)
    {
        List<(byte[], bool)> lines = [];
        int start = 0;
        while (start < content.Length)
        {
            int newline = Array.IndexOf(content, (byte)'\n', start);
            if (newline < 0)
            {
                lines.Add((content[start..], false));
                break;
            }

            lines.Add((content[start..newline], true));
            start = newline + 1;
        }

        return lines;
    }

    /// <summary>Reads all records of a session (for show/list); malformed lines are skipped.</summary>
    public static async Task<IReadOnlyList<AuditRecord>> ReadAllAsync(string sessionDirectory, CancellationToken cancellationToken)
    {
        string path = Path.Combine(sessionDirectory, AuditFormat.EventsFile);
        if (!File.Exists(path))
        {
            return [];
        }

        List<AuditRecord> records = [];
        foreach ((byte[] line, _) in ReadLines(await File.ReadAllBytesAsync(path, cancellationToken)))
        {
            if (ParseLine(line, out _) is { } record)
            {
                records.Add(record);
            }
        }

        return records;
    }
}
