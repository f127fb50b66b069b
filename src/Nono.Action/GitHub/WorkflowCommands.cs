using System.Text;

namespace Nono.Action.GitHub;

/// <summary>
/// Writes GitHub Actions workflow commands (<c>::error::</c>, <c>::add-mask::</c>, …) with the runner's
/// escaping, so untrusted text can neither end a command early nor start a new one.
/// </summary>
internal sealed class WorkflowCommands(TextWriter output)
{
    public void Debug(string message) => Write("debug", null, message);

    public void Notice(string message, Annotation? at = null) => Write("notice", at, message);

    public void Warning(string message, Annotation? at = null) => Write("warning", at, message);

    public void Error(string message, Annotation? at = null) => Write("error", at, message);

    /// <summary>Tells the runner to mask a secret in all later log output. Each line is masked separately.</summary>
    public void AddMask(string secret)
    {
        foreach (string line in secret.ReplaceLineEndings("\n").Split('\n'))
        {
            if (line.Length > 0)
            {
                Write("add-mask", null, line);
            }
        }
    }

    public void Group(string title) => Write("group", null, title);

    public void EndGroup() => output.WriteLine("::endgroup::");

    private void Write(string command, Annotation? at, string message)
    {
        StringBuilder sb = new("::");
        sb.Append(command);
        if (at is not null)
        {
            sb.Append(' ').Append(at.ToProperties());
        }

        sb.Append("::").Append(EscapeData(message));
        output.WriteLine(sb.ToString());
    }

    /// <summary>Escaping for the message part (actions/toolkit <c>escapeData</c>).</summary>
    public static string EscapeData(string value) =>
        value.Replace("%", "%25", StringComparison.Ordinal)
             .Replace("\r", "%0D", StringComparison.Ordinal)
             .Replace("\n", "%0A", StringComparison.Ordinal);

    /// <summary>Escaping for property values (actions/toolkit <c>escapeProperty</c>).</summary>
    public static string EscapeProperty(string value) =>
        EscapeData(value).Replace(":", "%3A", StringComparison.Ordinal).Replace(",", "%2C", StringComparison.Ordinal);
}
