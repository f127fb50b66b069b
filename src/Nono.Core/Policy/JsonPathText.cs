namespace Nono.Core.Policy;

/// <summary>Builds JSONPath strings such as <c>$.network.custom_credentials['my api'].upstream</c>.</summary>
internal static class JsonPathText
{
    public const string Root = "$";

    public static string Property(string parent, string name)
    {
        bool simple = name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
        return simple ? $"{parent}.{name}" : $"{parent}['{name.Replace("'", "\\'", StringComparison.Ordinal)}']";
    }

    public static string Index(string parent, int index) => $"{parent}[{index}]";
}
