namespace Nono.Core.Policy;

/// <summary>A rule that resolution left out, and why (missing path, or a grant overridden by a deny).</summary>
/// <param name="Path">The expanded path.</param>
/// <param name="Source">The group, profile or option that asked for it.</param>
/// <param name="Reason">Why it was left out.</param>
public sealed record SkippedRule(string Path, string Source, string Reason);
