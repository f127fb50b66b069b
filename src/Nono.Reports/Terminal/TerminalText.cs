using System.Globalization;

namespace Nono.Reports.Terminal;

/// <summary>
/// Makes untrusted text (file names, artifact names, events, messages built from them) safe to print on a terminal:
/// C0, DEL and C1 controls would start escape sequences (cursor movement, concealed text), and format characters
/// (bidi overrides, zero-width) and line/paragraph separators reorder or hide what a reviewer reads.
/// </summary>
public static class TerminalText
{
    /// <summary>One line: every control, format or separator character becomes '?'.</summary>
    public static string Line(string? text) => Replace(text, keepNewlines: false);

    /// <summary>A block (a diff): as <see cref="Line"/>, but newline and tab are kept.</summary>
    public static string Block(string? text) => Replace(text, keepNewlines: true);

    private static string Replace(string? text, bool keepNewlines)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }

        if (!text.Any(c => Unsafe(c, keepNewlines)))
        {
            return text;
        }

        return new([.. text.Select(c => Unsafe(c, keepNewlines) ? '?' : c)]);
    }

    private static bool Unsafe(char c, bool keepNewlines)
    {
        if (keepNewlines && c is '\n' or '\t')
        {
            return false;
        }

        return char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
    }
}
