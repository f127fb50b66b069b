using System.Text.Json;
using Nono.Reports.Model;

namespace Nono.Reports.Json;

/// <summary>Renders and reads <c>report.json</c>.</summary>
public static class JsonReportRenderer
{
    /// <summary>Serializes the report.</summary>
    public static string Render(SessionReport report) => JsonSerializer.Serialize(report, ReportJsonContext.Default.SessionReport);

    /// <summary>Parses a report; null when the JSON is the literal <c>null</c>.</summary>
    public static SessionReport? Parse(string json) => JsonSerializer.Deserialize(json, ReportJsonContext.Default.SessionReport);
}
