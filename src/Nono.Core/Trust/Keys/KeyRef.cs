using Nono.Core.Diagnostics;

namespace Nono.Core.Trust.Keys;

/// <summary>Where a signing key lives: <c>file://PATH</c> (PEM file) or <c>env://VAR</c> (PEM in a variable).</summary>
public sealed record KeyRef
{
    private KeyRef(KeyRefKind kind, string location)
    {
        Kind = kind;
        Location = location;
    }

    /// <summary>File or environment variable.</summary>
    public KeyRefKind Kind { get; }

    /// <summary>The absolute file path or the variable name.</summary>
    public string Location { get; }

    /// <summary>Parses a key reference; relative file paths resolve against <paramref name="currentDirectory"/>.</summary>
    public static KeyRef Parse(string value, string currentDirectory)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentException.ThrowIfNullOrEmpty(currentDirectory);
        if (value.StartsWith("file://", StringComparison.Ordinal) && value.Length > "file://".Length)
        {
            return new KeyRef(KeyRefKind.File, Path.GetFullPath(value["file://".Length..], currentDirectory));
        }

        if (value.StartsWith("env://", StringComparison.Ordinal) && value.Length > "env://".Length)
        {
            string name = value["env://".Length..];
            if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                throw new NonoException(NonoErrorCode.InvalidPolicy, $"invalid environment variable name in key reference '{value}'");
            }

            return new KeyRef(KeyRefKind.Environment, name);
        }

        throw new NonoException(NonoErrorCode.InvalidPolicy, $"unsupported key reference '{value}': use file://PATH or env://VAR");
    }

    /// <inheritdoc/>
    public override string ToString() => (Kind == KeyRefKind.File ? "file://" : "env://") + Location;
}
