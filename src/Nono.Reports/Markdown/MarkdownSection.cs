namespace Nono.Reports.Markdown;

/// <summary>A self-contained block of Markdown. Sections are kept or dropped whole, never cut.</summary>
/// <param name="Name">Short name used in the "sections omitted" note.</param>
/// <param name="Text">The rendered Markdown, ending with a newline.</param>
/// <param name="Essential">Essential sections are never dropped (the verdict).</param>
internal sealed record MarkdownSection(string Name, string Text, bool Essential = false);
