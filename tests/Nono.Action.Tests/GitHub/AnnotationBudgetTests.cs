using Nono.Action.GitHub;

namespace Nono.Action.Tests.GitHub;

public sealed class AnnotationBudgetTests
{
    [Fact]
    public void Split_MoreThanTenOfAKind_OverflowGoesToCheckRun()
    {
        string[] findings = [.. Enumerable.Repeat("error", 13), .. Enumerable.Repeat("warning", 4)];

        (IReadOnlyList<string> commands, IReadOnlyList<string> overflow) = AnnotationBudget.Split(findings, f => f);

        Assert.Equal(10, commands.Count(c => c == "error"));
        Assert.Equal(4, commands.Count(c => c == "warning"));
        Assert.Equal(3, overflow.Count);
    }

    [Fact]
    public void Batches_120Items_ThreeRequestsOfAtMost50()
    {
        int[] items = [.. Enumerable.Range(0, 120)];

        List<IReadOnlyList<int>> batches = [.. AnnotationBudget.Batches(items)];

        Assert.Equal([50, 50, 20], batches.Select(b => b.Count));
    }
}
