namespace Nono.Core.Proxy;

/// <summary>One GraphQL token: a name, a punctuator (its text), or a value (number or string; the text of a string is not kept).</summary>
internal readonly record struct GraphQlToken(GraphQlTokenKind Kind, string Text, int Position);
