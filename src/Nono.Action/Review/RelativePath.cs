namespace Nono.Action.Review;

/// <summary>Relative paths taken from an artifact: no absolute, empty, <c>.</c>, <c>..</c>, backslash or NUL parts.</summary>
internal static class RelativePath
{
    public static bool IsPlain(string path) =>
        path.Length > 0 && !path.StartsWith('/') && !path.Contains('\\', StringComparison.Ordinal) && !path.Contains('\0', StringComparison.Ordinal)
        && path.Split('/').All(part => part is not ("" or "." or ".."));
}
