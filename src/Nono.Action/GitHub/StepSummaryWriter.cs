using System.Text;
using Nono.Core.Diagnostics;

namespace Nono.Action.GitHub;

/// <summary>
/// Appends Markdown to <c>GITHUB_STEP_SUMMARY</c>. The renderer already fits the text into the budget by
/// dropping whole sections; this refuses anything that would still push the file over the runner's limit,
/// because the runner would then discard the whole summary.
/// </summary>
internal static class StepSummaryWriter
{
    public static void Append(string summaryPath, string markdown, int limitBytes)
    {
        long existing = File.Exists(summaryPath) ? new FileInfo(summaryPath).Length : 0;
        int adding = Encoding.UTF8.GetByteCount(markdown);
        if (existing + adding > limitBytes)
        {
            throw new NonoException(NonoErrorCode.Io, $"job summary would exceed the runner's {limitBytes}-byte limit ({existing} + {adding} bytes)", summaryPath);
        }

        File.AppendAllText(summaryPath, markdown);
    }
}
