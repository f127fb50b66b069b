using System.Text;
using System.Text.Json;
using Nono.Reports.Model;

namespace Nono.Reports.Sarif;

/// <summary>Renders violations as a SARIF 2.1.0 log for code scanning and reviewers' tools.</summary>
public static class SarifRenderer
{
    /// <summary>Writes the SARIF log as UTF-8 JSON.</summary>
    public static string Render(SessionReport report, string toolVersion)
    {
        ArgumentNullException.ThrowIfNull(report);
        using MemoryStream buffer = new();
        using (Utf8JsonWriter w = new(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
            w.WriteString("version", "2.1.0");
            w.WriteStartArray("runs");
            w.WriteStartObject();
            WriteTool(w, report, toolVersion);
            WriteResults(w, report);
            w.WriteStartObject("properties");
            w.WriteString("sessionId", report.SessionId);
            w.WriteString("enforcementTier", report.EnforcementTier);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteTool(Utf8JsonWriter w, SessionReport report, string toolVersion)
    {
        w.WriteStartObject("tool");
        w.WriteStartObject("driver");
        w.WriteString("name", "nono");
        w.WriteString("version", toolVersion);
        w.WriteString("informationUri", "https://github.com/nono/sandbox");
        w.WriteStartArray("rules");
        foreach (IGrouping<string, ReportViolation> rule in report.Violations.GroupBy(v => v.RuleId).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            w.WriteStartObject();
            w.WriteString("id", rule.Key);
            w.WriteStartObject("shortDescription");
            w.WriteString("text", rule.Key);
            w.WriteEndObject();
            w.WriteStartObject("defaultConfiguration");
            w.WriteString("level", Level(rule.Max(v => v.Severity)));
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteResults(Utf8JsonWriter w, SessionReport report)
    {
        w.WriteStartArray("results");
        foreach (ReportViolation v in report.Violations)
        {
            w.WriteStartObject();
            w.WriteString("ruleId", v.RuleId);
            w.WriteString("level", Level(v.Severity));
            w.WriteStartObject("message");
            w.WriteString("text", $"{v.Subject}: {v.DisplayEvidence}");
            w.WriteEndObject();
            if (v.UnverifiedClaim)
            {
                // A property bag entry (SARIF 2.1.0 section 3.8) tools can filter on: the record is the process's own claim.
                w.WriteStartObject("properties");
                w.WriteBoolean("nono/unverifiedClaim", true);
                w.WriteEndObject();
            }
            if (v.File is not null)
            {
                w.WriteStartArray("locations");
                w.WriteStartObject();
                w.WriteStartObject("physicalLocation");
                w.WriteStartObject("artifactLocation");
                w.WriteString("uri", RelativeUri(v.File));
                w.WriteString("uriBaseId", "%SRCROOT%");
                w.WriteEndObject();
                w.WriteStartObject("region");
                w.WriteNumber("startLine", v.Line ?? 1);
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static string Level(Severity severity) => severity switch
    {
        Severity.Error => "error",
        Severity.Warning => "warning",
        _ => "note",
    };

    /// <summary>
    /// A relative URI reference for a repository path: each segment percent-encoded (RFC 3986), so '#', '?', '%' and
    /// spaces in a file name are not read as a fragment, a query or an escape.
    /// </summary>
    internal static string RelativeUri(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
}
