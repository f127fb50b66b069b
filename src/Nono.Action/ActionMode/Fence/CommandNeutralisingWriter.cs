using System.Text;

namespace Nono.Action.ActionMode.Fence;

/// <summary>
/// nono's own stdout and stderr in action mode, where the runner reads every line for workflow commands: a line that
/// starts with <c>::</c> (after white space) or holds the legacy <c>##[</c> anywhere gets a word joiner (U+2060) that
/// breaks the command and reads the same. Messages carry names the sandboxed command chose (a directory called
/// <c>x ##[add-mask]y</c>). nono's real workflow commands go through <see cref="Raw"/> (WorkflowCommands escapes them).
/// Whole lines only, so a command cannot be split across writes; <see cref="Complete"/> emits an unterminated last line.
/// </summary>
internal sealed class CommandNeutralisingWriter(TextWriter inner) : TextWriter
{
    private const string WordJoiner = "\u2060";
    private readonly StringBuilder _line = new();
    private readonly Lock _gate = new();

    /// <summary>The writer underneath, for nono's own workflow commands only.</summary>
    public TextWriter Raw => inner;

    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        lock (_gate)
        {
            if (value == '\n')
            {
                inner.Write(Neutralise(_line.ToString()) + "\n");
                _line.Clear();
            }
            else
            {
                _line.Append(value);
            }
        }
    }

    public override void Write(string? value)
    {
        lock (_gate)
        {
            foreach (char c in value ?? "")
            {
                Write(c);
            }
        }
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void WriteLine(string? value) => Write((value ?? "") + "\n");

    public override void Flush() => inner.Flush();

    /// <summary>Writes out a last line left without its newline, neutralised like any other.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            if (_line.Length > 0)
            {
                inner.Write(Neutralise(_line.ToString()) + "\n");
                _line.Clear();
            }

            inner.Flush();
        }
    }

    /// <summary>The line with every command opener broken (a no-op for ordinary text).</summary>
    public static string Neutralise(string line)
    {
        line = line.Replace("\r", "", StringComparison.Ordinal).Replace("##[", "##" + WordJoiner + "[", StringComparison.Ordinal);
        int start = line.Length - line.TrimStart().Length;
        return line.AsSpan(start).StartsWith("::", StringComparison.Ordinal) ? string.Concat(line.AsSpan(0, start + 1), WordJoiner, line.AsSpan(start + 1)) : line;
    }
}
