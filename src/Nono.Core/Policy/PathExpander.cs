using System.Text;

namespace Nono.Core.Policy;

/// <summary>
/// Expands <c>~</c>, <c>$NAME</c> and <c>${NAME}</c> in profile paths from a <see cref="PolicyContext"/>.
/// Anything that cannot be expanded is an error, never an empty string (which would become a grant of "/").
/// </summary>
internal static class PathExpander
{
    public static bool TryExpand(string raw, PolicyContext context, out string expanded, out string error)
    {
        expanded = "";
        error = "";
        if (string.IsNullOrWhiteSpace(raw))
        {
            error = "path is empty";
            return false;
        }

        if (raw[0] != '~' && !raw.Contains('$', StringComparison.Ordinal))
        {
            // Nothing to expand (most rules): no copy.
            expanded = raw;
            return IsAbsolute(raw, out error);
        }

        StringBuilder builder = new();
        int i = 0;
        if (raw[0] == '~')
        {
            if (raw.Length > 1 && raw[1] != '/')
            {
                error = $"'{raw}': only '~' and '~/...' are supported, not '~user'";
                return false;
            }

            builder.Append(context.Home);
            i = 1;
        }

        while (i < raw.Length)
        {
            char c = raw[i];
            if (c != '$')
            {
                builder.Append(c);
                i++;
                continue;
            }

            if (!TryReadName(raw, i, out string name, out int next))
            {
                error = $"'{raw}': '$' must be followed by a variable name";
                return false;
            }

            if (!context.TryGetVariable(name, out string value, out string variableError))
            {
                error = $"'{raw}': {variableError}";
                return false;
            }

            builder.Append(value);
            i = next;
        }

        expanded = builder.ToString();
        return IsAbsolute(expanded, out error, raw);
    }

    private static bool IsAbsolute(string expanded, out string error, string? raw = null)
    {
        bool absolute = expanded.Length > 0 && expanded[0] == '/';
        error = absolute ? "" : $"'{raw ?? expanded}' is not an absolute path (start it with /, ~ or a $VARIABLE)";
        return absolute;
    }

    private static bool TryReadName(string raw, int dollar, out string name, out int next)
    {
        int start = dollar + 1;
        bool braced = start < raw.Length && raw[start] == '{';
        if (braced)
        {
            start++;
        }

        int end = start;
        while (end < raw.Length && (char.IsAsciiLetterOrDigit(raw[end]) || raw[end] == '_'))
        {
            end++;
        }

        name = raw[start..end];
        next = end;
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            return false;
        }

        if (braced)
        {
            if (end >= raw.Length || raw[end] != '}')
            {
                return false;
            }

            next = end + 1;
        }

        return true;
    }
}
