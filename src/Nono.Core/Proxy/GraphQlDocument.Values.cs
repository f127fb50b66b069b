namespace Nono.Core.Proxy;

/// <summary>Types, arguments, directives and values: read to their end and checked, nothing kept.</summary>
internal sealed partial class GraphQlDocument
{
    private string? ParseType(int depth)
    {
        if (depth > MaxDepth)
        {
            return "nested too deeply";
        }

        string? error = At("[") ? Expect("[") ?? ParseType(depth + 1) ?? Expect("]") : ExpectName(out _);
        if (error is null && At("!"))
        {
            _next++;
        }

        return error;
    }

    private string? ParseArguments(bool isConst, int depth)
    {
        _next++; // (
        do
        {
            string? error = ExpectName(out _) ?? Expect(":") ?? ParseValue(isConst, depth + 1);
            if (error is not null)
            {
                return error;
            }
        }
        while (!At(")"));

        _next++;
        return null;
    }

    private string? ParseDirectives(bool isConst, int depth)
    {
        while (At("@"))
        {
            _next++;
            string? error = ExpectName(out _) ?? (At("(") ? ParseArguments(isConst, depth) : null);
            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    private string? ParseValue(bool isConst, int depth)
    {
        if (depth > MaxDepth)
        {
            return "nested too deeply";
        }

        GraphQlToken token = Take();
        switch (token.Kind)
        {
            case GraphQlTokenKind.Value or GraphQlTokenKind.Name:
                return null; // numbers, strings, true/false/null and enum values
            case GraphQlTokenKind.Punctuator when token.Text == "$" && !isConst:
                return ExpectName(out _);
            case GraphQlTokenKind.Punctuator when token.Text == "[":
                while (!At("]"))
                {
                    if (ParseValue(isConst, depth + 1) is string error)
                    {
                        return error;
                    }
                }

                _next++;
                return null;
            case GraphQlTokenKind.Punctuator when token.Text == "{":
                while (!At("}"))
                {
                    if ((ExpectName(out _) ?? Expect(":") ?? ParseValue(isConst, depth + 1)) is string error)
                    {
                        return error;
                    }
                }

                _next++;
                return null;
            default:
                _next--;
                return Unexpected();
        }
    }
}
