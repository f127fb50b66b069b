using System.Text;

namespace Nono.Reports.Markdown;

/// <summary>
/// Fits sections into a byte budget (the runner rejects step summaries over 1 MiB): drops the
/// least important non-essential sections whole and says which were omitted.
/// </summary>
internal static class SectionBudget
{
    public static string Fit(IReadOnlyList<MarkdownSection> sectionsInPriorityOrder, int maxBytes)
    {
        List<MarkdownSection> kept = [.. sectionsInPriorityOrder];
        List<string> dropped = [];
        while (Size(kept, dropped) > maxBytes)
        {
            int last = kept.FindLastIndex(s => !s.Essential);
            if (last < 0)
            {
                break;
            }

            dropped.Insert(0, kept[last].Name);
            kept.RemoveAt(last);
        }

        return Join(kept, dropped);
    }

    private static int Size(List<MarkdownSection> kept, List<string> dropped) => Encoding.UTF8.GetByteCount(Join(kept, dropped));

    private static string Join(List<MarkdownSection> kept, List<string> dropped)
    {
        StringBuilder sb = new();
        foreach (MarkdownSection section in kept)
        {
            sb.Append(section.Text).Append('\n');
        }

        if (dropped.Count > 0)
        {
            sb.Append("> [!NOTE]\n> Omitted to stay within the size limit: ")
              .Append(string.Join(", ", dropped))
              .Append(". The session artifact has the full report.\n");
        }

        return sb.ToString();
    }
}
