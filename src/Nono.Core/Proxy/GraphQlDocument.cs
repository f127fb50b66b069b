namespace Nono.Core.Proxy;

/// <summary>
/// Reads a GraphQL executable document just far enough to name every mutation's top-level fields: the fields of each
/// <c>mutation</c> operation's selection set, through inline fragments and fragment spreads (recursively), by field
/// name (an alias <c>x: createFoo</c> names <c>createFoo</c>). Every operation counts, whichever one
/// <c>operationName</c> selects. The whole document must follow the grammar (operations and fragments only; a
/// document with type definitions, an unknown fragment or a fragment defined twice is an error), so that no part of it
/// is skipped unread.
/// </summary>
internal sealed partial class GraphQlDocument
{
    private const int MaxDepth = 128;
    private readonly List<GraphQlToken> _tokens;
    private readonly Dictionary<string, Collected> _fragments = new(StringComparer.Ordinal);
    private readonly List<Collected> _mutations = [];
    private int _next;

    private GraphQlDocument(List<GraphQlToken> tokens) => _tokens = tokens;

    /// <summary>The top-level field names of every mutation in <paramref name="text"/>, or an error.</summary>
    public static (IReadOnlyList<string> MutationFields, string? Error) MutationFields(string text)
    {
        (List<GraphQlToken> tokens, string? error) = GraphQlLexer.Lex(text);
        if (error is not null)
        {
            return ([], error);
        }

        GraphQlDocument document = new(tokens);
        error = document.ParseDocument();
        return error is null ? document.Resolve() : ([], error);
    }

    private GraphQlToken Peek => _tokens[_next];

    private GraphQlToken Take() => _tokens[_next++];

    private bool At(string punctuator) => Peek.Kind == GraphQlTokenKind.Punctuator && Peek.Text == punctuator;

    private bool AtName(string name) => Peek.Kind == GraphQlTokenKind.Name && Peek.Text == name;

    private string Unexpected() => Peek.Kind == GraphQlTokenKind.End ? "unexpected end of the document" : $"unexpected '{Shorten(Peek.Text)}' at {Peek.Position}";

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "..." : text;

    private string? Expect(string punctuator)
    {
        if (!At(punctuator))
        {
            return Unexpected();
        }

        _next++;
        return null;
    }

    private string? ExpectName(out string name)
    {
        name = Peek.Text;
        if (Peek.Kind != GraphQlTokenKind.Name)
        {
            return Unexpected();
        }

        _next++;
        return null;
    }

    private string? ParseDocument()
    {
        if (Peek.Kind == GraphQlTokenKind.End)
        {
            return "the document is empty";
        }

        while (Peek.Kind != GraphQlTokenKind.End)
        {
            string? error = ParseDefinition();
            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    private string? ParseDefinition()
    {
        if (At("{"))
        {
            return ParseSelectionSet(null, 0); // a query shorthand
        }

        if (AtName("fragment"))
        {
            _next++;
            if (ExpectName(out string name) is not null || name == "on" || !AtName("on"))
            {
                return $"malformed fragment definition at {Peek.Position}";
            }

            _next++;
            Collected fragment = new();
            if (!_fragments.TryAdd(name, fragment))
            {
                return $"fragment '{Shorten(name)}' is defined twice";
            }

            return ExpectName(out _) ?? ParseDirectives(isConst: false, 0) ?? ParseSelectionSet(fragment, 0);
        }

        if (AtName("query") || AtName("mutation") || AtName("subscription"))
        {
            bool mutation = Take().Text == "mutation";
            if (Peek.Kind == GraphQlTokenKind.Name)
            {
                _next++; // the operation's name
            }

            string? error = At("(") ? ParseVariableDefinitions() : null;
            Collected? collected = mutation ? new Collected() : null;
            if (collected is not null)
            {
                _mutations.Add(collected);
            }

            return error ?? ParseDirectives(isConst: true, 0) ?? ParseSelectionSet(collected, 0);
        }

        return $"expected an operation or a fragment: {Unexpected()}";
    }

    private string? ParseVariableDefinitions()
    {
        _next++; // (
        do
        {
            string? error = Expect("$") ?? ExpectName(out _) ?? Expect(":") ?? ParseType(0);
            if (error is null && At("="))
            {
                _next++;
                error = ParseValue(isConst: true, 0);
            }

            error ??= ParseDirectives(isConst: true, 0);
            if (error is not null)
            {
                return error;
            }
        }
        while (!At(")"));

        _next++;
        return null;
    }

    /// <summary>A selection set; top-level fields and spreads go into <paramref name="collected"/> when given.</summary>
    private string? ParseSelectionSet(Collected? collected, int depth)
    {
        if (depth > MaxDepth)
        {
            return "nested too deeply";
        }

        string? error = Expect("{");
        do
        {
            error ??= ParseSelection(collected, depth);
        }
        while (error is null && !At("}"));

        return error ?? Expect("}");
    }

    private string? ParseSelection(Collected? collected, int depth)
    {
        if (At("..."))
        {
            _next++;
            if (Peek.Kind == GraphQlTokenKind.Name && Peek.Text != "on")
            {
                collected?.Spreads.Add(Take().Text);
                return ParseDirectives(isConst: false, depth);
            }

            string? error = null;
            if (AtName("on"))
            {
                _next++;
                error = ExpectName(out _);
            }

            // An inline fragment's fields are at the level of the set that holds it.
            return error ?? ParseDirectives(isConst: false, depth) ?? ParseSelectionSet(collected, depth + 1);
        }

        if (ExpectName(out string name) is string notAName)
        {
            return notAName;
        }

        if (At(":"))
        {
            _next++;
            if (ExpectName(out name) is string noField)
            {
                return noField;
            }
        }

        collected?.Fields.Add(name);
        string? rest = (At("(") ? ParseArguments(isConst: false, depth) : null) ?? ParseDirectives(isConst: false, depth);
        return rest ?? (At("{") ? ParseSelectionSet(null, depth + 1) : null);
    }

    private (IReadOnlyList<string>, string?) Resolve()
    {
        List<string> fields = [];
        foreach (Collected mutation in _mutations)
        {
            HashSet<string> seen = new(StringComparer.Ordinal);
            Stack<Collected> pending = new([mutation]);
            while (pending.TryPop(out Collected? set))
            {
                fields.AddRange(set.Fields);
                foreach (string spread in set.Spreads)
                {
                    if (!_fragments.TryGetValue(spread, out Collected? fragment))
                    {
                        return ([], $"unknown fragment '{Shorten(spread)}'");
                    }

                    if (seen.Add(spread))
                    {
                        pending.Push(fragment);
                    }
                }
            }
        }

        return (fields, null);
    }

    private sealed class Collected
    {
        public List<string> Fields { get; } = [];

        public List<string> Spreads { get; } = [];
    }
}
