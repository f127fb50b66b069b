using Nono.Reports.Markdown;

namespace Nono.Reports.Tests.Markdown;

public sealed class MarkdownTextTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a|b", "a&#124;b")]
    [InlineData("<img src=x>", "&lt;img src=x&gt;")]
    [InlineData("@octocat", "&#64;\u2060octocat")]
    [InlineData("line1\nline2", "line1 line2")]
    [InlineData("[link](http://x)", "\\[link\\]\\(http://x\\)")]
    [InlineData("**bold**", "\\*\\*bold\\*\\*")]
    [InlineData("\u001b[31mred", "\uFFFD\\[31mred")]
    public void Inline_UntrustedText_IsNeutralized(string input, string expected)
    {
        Assert.Equal(expected, MarkdownText.Inline(input));
    }

    [Fact]
    public void CodeBlock_ContentWithFences_CannotCloseTheBlock()
    {
        string block = MarkdownText.CodeBlock("a\n```\n````\nb");

        string fence = block[..block.IndexOf('\n')];
        Assert.Equal("`````", fence);
        Assert.EndsWith("\n`````\n", block);
    }

    [Fact]
    public void Code_WithBackticks_UsesLongerDelimiter()
    {
        Assert.Equal("``a`b``", MarkdownText.Code("a`b"));
        Assert.Equal("`` `a ``", MarkdownText.Code("`a"));
        Assert.Equal("`x`", MarkdownText.Code("x"));
    }
}
