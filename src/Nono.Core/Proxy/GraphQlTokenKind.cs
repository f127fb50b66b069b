namespace Nono.Core.Proxy;

/// <summary>What a <see cref="GraphQlToken"/> is.</summary>
internal enum GraphQlTokenKind
{
    Name,
    Punctuator,
    Value,
    End,
}
