namespace Nono.Core.Policy;

/// <summary>One problem found in a profile or in the options that refine it.</summary>
/// <param name="Origin">Where the problem is: a profile file, a built-in profile or group, or an option.</param>
/// <param name="JsonPath">JSONPath of the offending value inside <paramref name="Origin"/>, e.g. <c>$.filesystem.allow[2]</c>.</param>
/// <param name="Message">What is wrong, in one line.</param>
public sealed record PolicyProblem(string Origin, string JsonPath, string Message)
{
    /// <summary>Formats as <c>origin: $.path: message</c> (without the path when it is empty).</summary>
    public override string ToString() => JsonPath.Length == 0 ? $"{Origin}: {Message}" : $"{Origin}: {JsonPath}: {Message}";
}
