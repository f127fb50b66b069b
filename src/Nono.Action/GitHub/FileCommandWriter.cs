using System.Security.Cryptography;
using Nono.Core.Diagnostics;

namespace Nono.Action.GitHub;

/// <summary>
/// Appends <c>name=value</c> entries to a runner file command (<c>GITHUB_OUTPUT</c>, <c>GITHUB_ENV</c>)
/// as <c>name&lt;&lt;ghadelimiter_RANDOM</c> heredocs. A name or value that contains the delimiter, or a
/// name that could start another entry, is refused: that is how output injection is blocked.
/// </summary>
internal sealed class FileCommandWriter(string filePath)
{
    public void Set(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        if (name.AsSpan().IndexOfAny('\r', '\n') >= 0 || name.Contains('=', StringComparison.Ordinal) || name.Contains("<<", StringComparison.Ordinal))
        {
            throw new NonoException(NonoErrorCode.InvalidPolicy, $"invalid output name '{name.ReplaceLineEndings(" ")}'");
        }

        string delimiter = "ghadelimiter_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        if (value.Contains(delimiter, StringComparison.Ordinal))
        {
            throw new NonoException(NonoErrorCode.InvalidPolicy, $"output '{name}' contains the heredoc delimiter");
        }

        string entry = $"{name}<<{delimiter}\n{value}\n{delimiter}\n";
        File.AppendAllText(filePath, entry);
    }
}
