using System.Globalization;
using System.Text;

namespace Nono.Action.GitHub;

/// <summary>Where an annotation points: a workspace-relative file and optional line, plus a title.</summary>
internal sealed record Annotation(string? File = null, int? Line = null, string? Title = null)
{
    public string ToProperties()
    {
        List<string> parts = [];
        if (Title is not null)
        {
            parts.Add("title=" + WorkflowCommands.EscapeProperty(Title));
        }

        if (File is not null)
        {
            parts.Add("file=" + WorkflowCommands.EscapeProperty(File));
        }

        if (Line is int line)
        {
            parts.Add("line=" + line.ToString(CultureInfo.InvariantCulture));
        }

        return new StringBuilder().AppendJoin(',', parts).ToString();
    }
}
