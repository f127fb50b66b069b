using Nono.Action.GitHub;
using Nono.Core.Diagnostics;
using Nono.Testing;

namespace Nono.Action.Tests.GitHub;

public sealed class FileCommandWriterTests
{
    [Theory]
    [InlineData("simple")]
    [InlineData("")]
    [InlineData("multi\nline\nvalue")]
    [InlineData("injected\nother=evil")]
    [InlineData("EOF\nghadelimiter_\nx<<EOF")]
    [InlineData("trailing newline\n")]
    public void Set_AnyValue_RoundTripsThroughTheRunnerParserAsOneEntry(string value)
    {
        using TempDirectory dir = new();
        string path = dir.Combine("output");
        FileCommandWriter writer = new(path);

        writer.Set("report", value);
        writer.Set("after", "still-separate");

        List<KeyValuePair<string, string>> entries = RunnerFileCommandParser.Parse(File.ReadAllText(path));
        Assert.Equal([new("report", value), new("after", "still-separate")], entries);
    }

    [Theory]
    [InlineData("a\nb")]
    [InlineData("a=b")]
    [InlineData("a<<EOF")]
    public void Set_HostileName_IsRefused(string name)
    {
        using TempDirectory dir = new();
        FileCommandWriter writer = new(dir.Combine("output"));

        NonoException ex = Assert.Throws<NonoException>(() => writer.Set(name, "v"));

        Assert.Contains("invalid output name", ex.Message);
        Assert.False(File.Exists(dir.Combine("output")));
    }
}
