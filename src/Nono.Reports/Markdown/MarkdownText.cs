using System.Text;

namespace Nono.Reports.Markdown;

/// <summary>Escaping for untrusted text placed into GitHub-flavoured Markdown.</summary>
public static class MarkdownText
{
    private const char WordJoiner = '\u2060';

    /// <summary>
    /// Escapes text for inline use (also inside table cells): Markdown punctuation is backslash-escaped,
    /// HTML-significant characters become entities, line breaks become spaces, and mentions and issue references
    /// cannot form: GitHub resolves <c>@team</c>, <c>#1</c>, <c>org/repo#1</c> and <c>GH-1</c> in the rendered text, so an
    /// entity or a backslash is not enough; a word joiner (U+2060) after <c>@</c>, <c>#</c> and <c>GH-</c> breaks them.
    /// </summary>
    public static string Inline(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        StringBuilder sb = new(text.Length + 8);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            switch (c)
            {
                case '@': sb.Append("&#64;").Append(WordJoiner); break;
                case '#': sb.Append("\\#").Append(WordJoiner); break;
                case '-' when i >= 2 && (text[i - 1] is 'H' or 'h') && (text[i - 2] is 'G' or 'g'):
                    sb.Append("\\-").Append(WordJoiner);
                    break;
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '|': sb.Append("&#124;"); break;
                case '\r':
                case '\n':
                case '\t': sb.Append(' '); break;
                case '\\' or '`' or '*' or '_' or '{' or '}' or '[' or ']' or '(' or ')' or '+' or '-' or '!' or '~':
                    sb.Append('\\').Append(c);
                    break;
                default:
                    sb.Append(char.IsControl(c) ? '\uFFFD' : c);
                    break;
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// Wraps untrusted text in a fenced code block whose fence is longer than any backtick run inside,
    /// so the content cannot close the block early.
    /// </summary>
    public static string CodeBlock(string text, string language = "")
    {
        int longest = 0;
        int run = 0;
        foreach (char c in text)
        {
            run = c == '`' ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        string fence = new('`', Math.Max(3, longest + 1));
        return $"{fence}{language}\n{text.TrimEnd('\n')}\n{fence}\n";
    }

    /// <summary>
    /// Inline code inside a table cell: GitHub splits a row at every unescaped <c>|</c> before it reads code spans, so
    /// each one is escaped (the table parser removes the backslash again).
    /// </summary>
    public static string CellCode(string text) => Code(text, inTable: true);

    /// <summary>Inline code for untrusted text, with a delimiter the text cannot close.</summary>
    public static string Code(string text) => Code(text, inTable: false);

    private static string Code(string text, bool inTable)
    {
        string flat = text.ReplaceLineEndings(" ");
        if (inTable)
        {
            flat = flat.Replace("|", "\\|", StringComparison.Ordinal);
        }

        int longest = 0;
        int run = 0;
        foreach (char c in flat)
        {
            run = c == '`' ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        string tick = new('`', longest + 1);
        string pad = flat.StartsWith('`') || flat.EndsWith('`') ? " " : "";
        return $"{tick}{pad}{flat}{pad}{tick}"; // mentions do not fire inside code spans
    }
}
