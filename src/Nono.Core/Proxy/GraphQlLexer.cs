namespace Nono.Core.Proxy;

/// <summary>
/// A strict GraphQL lexer (the lexical grammar of the GraphQL specification, October 2021): names, punctuators, numbers,
/// strings and block strings; white space, line terminators, commas and comments are skipped. Anything the grammar does
/// not allow is an error, and so is anything a less careful lexer could read another way: control characters, U+0085,
/// U+2028 and U+2029 in comments and strings (a lexer that ends a comment there would see code we took for a comment),
/// a byte order mark, and an escaped triple quote in a block string. The caller refuses the request on any error.
/// </summary>
internal static class GraphQlLexer
{
    /// <summary>The tokens of <paramref name="text"/>, ending with an <see cref="GraphQlTokenKind.End"/> token; or an error.</summary>
    public static (List<GraphQlToken> Tokens, string? Error) Lex(string text)
    {
        List<GraphQlToken> tokens = [];
        int i = 0;
        while (true)
        {
            i = SkipIgnored(text, i, out string? error);
            if (error is not null)
            {
                return (tokens, error);
            }

            if (i >= text.Length)
            {
                tokens.Add(new(GraphQlTokenKind.End, string.Empty, i));
                return (tokens, null);
            }

            char c = text[i];
            int start = i;
            if (c is '!' or '$' or '&' or '(' or ')' or ':' or '=' or '@' or '[' or ']' or '{' or '|' or '}')
            {
                tokens.Add(new(GraphQlTokenKind.Punctuator, c.ToString(), start));
                i++;
            }
            else if (c == '.')
            {
                if (string.CompareOrdinal(text, i, "...", 0, 3) != 0)
                {
                    return (tokens, $"a lone '.' at {i}");
                }

                tokens.Add(new(GraphQlTokenKind.Punctuator, "...", start));
                i += 3;
            }
            else if (IsNameStart(c))
            {
                while (i < text.Length && (IsNameStart(text[i]) || char.IsAsciiDigit(text[i])))
                {
                    i++;
                }

                tokens.Add(new(GraphQlTokenKind.Name, text[start..i], start));
            }
            else if (c == '-' || char.IsAsciiDigit(c))
            {
                (i, error) = Number(text, i);
                if (error is not null)
                {
                    return (tokens, error);
                }

                tokens.Add(new(GraphQlTokenKind.Value, text[start..i], start));
            }
            else if (c == '"')
            {
                (i, error) = string.CompareOrdinal(text, i, "\"\"\"", 0, 3) == 0 ? BlockString(text, i) : QuotedString(text, i);
                if (error is not null)
                {
                    return (tokens, error);
                }

                tokens.Add(new(GraphQlTokenKind.Value, "\"", start));
            }
            else
            {
                return (tokens, $"unexpected character U+{(int)c:X4} at {i}");
            }
        }
    }

    private static bool IsNameStart(char c) => c == '_' || char.IsAsciiLetter(c);

    // Characters some lexers take as line ends (or that have no business in a query), refused inside comments and strings.
    private static bool IsSuspicious(char c) => (c < ' ' && c != '\t') || c is '\u0085' or '\u2028' or '\u2029' or '\uFEFF';

    private static int SkipIgnored(string text, int i, out string? error)
    {
        error = null;
        while (i < text.Length)
        {
            char c = text[i];
            if (c is ' ' or '\t' or '\n' or '\r' or ',')
            {
                i++;
            }
            else if (c == '#')
            {
                while (i < text.Length && text[i] is not '\n' and not '\r')
                {
                    if (IsSuspicious(text[i]))
                    {
                        error = $"character U+{(int)text[i]:X4} in a comment at {i}";
                        return i;
                    }

                    i++;
                }
            }
            else
            {
                break;
            }
        }

        return i;
    }

    private static (int End, string? Error) Number(string text, int i)
    {
        int start = i;
        if (text[i] == '-')
        {
            i++;
        }

        int digits = i;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        if (i == digits || (text[digits] == '0' && i - digits > 1))
        {
            return (i, $"malformed number at {start}");
        }

        if (i < text.Length && text[i] == '.')
        {
            int fraction = ++i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            if (i == fraction)
            {
                return (i, $"malformed number at {start}");
            }
        }

        if (i < text.Length && text[i] is 'e' or 'E')
        {
            i++;
            if (i < text.Length && text[i] is '+' or '-')
            {
                i++;
            }

            int exponent = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            if (i == exponent)
            {
                return (i, $"malformed number at {start}");
            }
        }

        // A number may not run into a name, a digit or a dot ("1x", "1.2.3").
        return i < text.Length && (IsNameStart(text[i]) || text[i] == '.') ? (i, $"malformed number at {start}") : (i, null);
    }

    private static (int End, string? Error) QuotedString(string text, int i)
    {
        int start = i++;
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '"')
            {
                return (i + 1, null);
            }

            if (c is '\n' or '\r' || IsSuspicious(c))
            {
                return (i, $"character U+{(int)c:X4} in a string at {i}");
            }

            if (c == '\\')
            {
                if (i + 1 >= text.Length)
                {
                    break;
                }

                char e = text[i + 1];
                if (e is '"' or '\\' or '/' or 'b' or 'f' or 'n' or 'r' or 't')
                {
                    i += 2;
                    continue;
                }

                if (e == 'u' && i + 6 <= text.Length && text.AsSpan(i + 2, 4).ContainsAnyExcept(s_hexDigits) is false)
                {
                    i += 6;
                    continue;
                }

                return (i, $"unknown escape in a string at {i}");
            }

            i++;
        }

        return (i, $"unterminated string at {start}");
    }

    private static readonly System.Buffers.SearchValues<char> s_hexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    private static (int End, string? Error) BlockString(string text, int i)
    {
        int start = i;
        i += 3;
        while (i < text.Length)
        {
            if (string.CompareOrdinal(text, i, "\"\"\"", 0, 3) == 0)
            {
                return (i + 3, null);
            }

            char c = text[i];
            if (c == '\\' && string.CompareOrdinal(text, i, "\\\"\"\"", 0, 4) == 0)
            {
                return (i, $"escaped triple quote in a block string at {i}"); // allowed by the grammar; refused as a lexer-disagreement risk
            }

            if (c is not '\n' and not '\r' && IsSuspicious(c))
            {
                return (i, $"character U+{(int)c:X4} in a block string at {i}");
            }

            i++;
        }

        return (i, $"unterminated block string at {start}");
    }
}
