using System.Buffers;
using System.Globalization;
using System.Text;

namespace Nono.Reports.Terminal;

/// <summary>
/// Makes untrusted text (file names, artifact names, events, messages built from them) safe to print on a terminal:
/// C0, DEL and C1 controls would start escape sequences (cursor movement, concealed text), and format characters
/// (bidi overrides, zero-width, Unicode TAG characters), other default-ignorable code points (invisible fillers)
/// and line/paragraph separators reorder or hide what a reviewer reads. Works on code points, not UTF-16 units,
/// so supplementary-plane characters are judged whole and a lone surrogate is replaced too.
/// </summary>
public static class TerminalText
{
    /// <summary>One line: every control, format, default-ignorable or separator code point becomes '?'.</summary>
    public static string Line(string? text) => Replace(text, keepNewlines: false);

    /// <summary>A block (a diff): as <see cref="Line"/>, but newline and tab are kept.</summary>
    public static string Block(string? text) => Replace(text, keepNewlines: true);

    private static string Replace(string? text, bool keepNewlines)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }

        StringBuilder? cleaned = null;
        int index = 0;
        while (index < text.Length)
        {
            OperationStatus status = Rune.DecodeFromUtf16(text.AsSpan(index), out Rune rune, out int consumed);
            if (status != OperationStatus.Done || Unsafe(rune, keepNewlines))
            {
                cleaned ??= new StringBuilder(text.Length).Append(text, 0, index);
                cleaned.Append('?');
            }
            else
            {
                cleaned?.Append(text, index, consumed);
            }

            index += consumed;
        }

        return cleaned?.ToString() ?? text;
    }

    private static bool Unsafe(Rune rune, bool keepNewlines)
    {
        if (keepNewlines && rune.Value is '\n' or '\t')
        {
            return false;
        }

        return Rune.IsControl(rune) || DefaultIgnorable(rune.Value)
            || Rune.GetUnicodeCategory(rune) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
    }

    /// <summary>Unicode's Default_Ignorable_Code_Point ranges (DerivedCoreProperties.txt): rendered as nothing.</summary>
    private static bool DefaultIgnorable(int c) => c is 0x00AD or 0x034F or 0x061C or (>= 0x115F and <= 0x1160)
        or (>= 0x17B4 and <= 0x17B5) or (>= 0x180B and <= 0x180F) or (>= 0x200B and <= 0x200F) or (>= 0x202A and <= 0x202E)
        or (>= 0x2060 and <= 0x206F) or 0x3164 or (>= 0xFE00 and <= 0xFE0F) or 0xFEFF or 0xFFA0 or (>= 0xFFF0 and <= 0xFFF8)
        or (>= 0x1BCA0 and <= 0x1BCA3) or (>= 0x1D173 and <= 0x1D17A) or (>= 0xE0000 and <= 0xE0FFF);
}
