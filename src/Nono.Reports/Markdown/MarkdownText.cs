using System.Text;

namespace Nono.Reports.Markdown;

/// <summary>Escaping for untrusted text placed into GitHub-flavoured Markdown.</summary>
public static class MarkdownText
{
    /// <summary>
    /// Escapes text for inline use (also inside table cells): Markdown punctuation is backslash-escaped,
    /// HTML-significant characters become entities, <c>@</c> cannot form a mention, and line breaks become spaces.
    /// </summary>
    public static string Inline(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        StringBuilder sb = new(text.Length + 8);
        foreach (char c in text)
        {
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '@': sb.Append("&#64;"); break;
                case '|': sb.Append("&#124;"); break;
                case '\r':
                case '\n':
                case '\t': sb.Append(' '); break;
                case '\\' or '`' or '*' or '_' or '{' or '}' or '[' or ']' or '(' or ')' or '#' or '+' or '-' or '!' or '~':
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

    /// <summary>Inline code for untrusted text, with a delimiter the text cannot close.</summary>
    public static string Code(string text)
    {
        string flat = text.ReplaceLineEndings(" ");
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
