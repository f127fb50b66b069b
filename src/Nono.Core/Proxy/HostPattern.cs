namespace Nono.Core.Proxy;

/// <summary>An exact host or a <c>*.suffix</c> pattern. Suffixes match on label boundaries and only strictly below the suffix.</summary>
internal sealed class HostPattern
{
    private HostPattern(string value, bool isSuffix)
    {
        Value = value;
        IsSuffix = isSuffix;
    }

    /// <summary>The normalized host, or the suffix without <c>*.</c>.</summary>
    public string Value { get; }

    /// <summary>Whether this is a <c>*.suffix</c> pattern.</summary>
    public bool IsSuffix { get; }

    /// <summary>Parses an allow-list entry. Suffix patterns need at least two labels (<c>*.com</c> is refused).</summary>
    public static HostPattern? TryParse(string text, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim();
        bool suffix = t.StartsWith("*.", StringComparison.Ordinal);
        string host = suffix ? t[2..] : t;
        if (host.Contains('*', StringComparison.Ordinal) || host.Contains('@', StringComparison.Ordinal) || host.Contains('/', StringComparison.Ordinal))
        {
            error = $"host pattern '{HostName.Printable(text)}': only exact hosts and '*.suffix' are supported";
            return null;
        }

        if (!HostName.TryNormalize(host, out string? normalized, out string? hostError, allowUnicode: true))
        {
            error = $"host pattern '{HostName.Printable(text)}': {hostError}";
            return null;
        }

        if (suffix && (HostName.IsIpLiteral(normalized) || HostName.IsSingleLabel(normalized)))
        {
            error = $"host pattern '{HostName.Printable(text)}': a wildcard needs a suffix of at least two labels";
            return null;
        }

        error = null;
        return new HostPattern(normalized, suffix);
    }

    /// <summary>Whether a normalized host matches.</summary>
    public bool Matches(string normalizedHost) =>
        IsSuffix
            ? normalizedHost.Length > Value.Length + 1
              && normalizedHost.EndsWith(Value, StringComparison.Ordinal)
              && normalizedHost[normalizedHost.Length - Value.Length - 1] == '.'
            : string.Equals(normalizedHost, Value, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override string ToString() => IsSuffix ? "*." + Value : Value;
}
