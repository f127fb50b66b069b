using Nono.Action.ActionMode.Fence;

namespace Nono.Action.Tests.ActionMode;

/// <summary>nono's own lines in action mode, read by the runner's command parser: names the sandboxed command chose stay text.</summary>
public sealed class CommandNeutralisingWriterTests
{
    [Theory]
    [InlineData("nono: openat x ##[add-mask]protected path: Permission denied")]
    [InlineData("::add-mask::violations")]
    [InlineData("   \t::set-output name=step-exit::0")]
    [InlineData("a\r::error::split by a carriage return")]
    public void HostileLine_TakesNoEffect_AndStaysReadable(string line)
    {
        StringWriter inner = new();
        CommandNeutralisingWriter writer = new(inner);

        writer.WriteLine(line);
        writer.Write("nono: half a line ##");
        writer.Write("[add-mask]split across writes");
        writer.Complete();

        Assert.Empty(RunnerCommandLog.Parse(inner.ToString()));
        Assert.Equal(line.Replace("\r", "", StringComparison.Ordinal), inner.ToString().Split('\n')[0].Replace("\u2060", "", StringComparison.Ordinal));
        Assert.EndsWith("split across writes\n", inner.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void OrdinaryText_IsUnchanged_AndRawCommandsStillWork()
    {
        StringWriter inner = new();
        CommandNeutralisingWriter writer = new(inner);

        writer.WriteLine("nono: violations at or above 'error' fail this step (1 found): a::b");
        new Nono.Action.GitHub.WorkflowCommands(writer.Raw).Error("real ##[annotation]");

        Assert.Equal("nono: violations at or above 'error' fail this step (1 found): a::b\n::error::real ##[annotation]\n", inner.ToString().ReplaceLineEndings("\n"));
        Assert.Equal("error", Assert.Single(RunnerCommandLog.Parse(inner.ToString())).Name);
    }
}
