using Nono.Reports.Terminal;

namespace Nono.Action.Tests.Review;

/// <summary>Attacker text printed on a terminal: C0, DEL, C1, bidi/format and line separators never pass.</summary>
public sealed class TerminalTextTests
{
    [Theory]
    [InlineData("plain name.txt", "plain name.txt")]
    [InlineData("a\u001b[2Kb", "a?[2Kb")]
    [InlineData("a\u009b2Kb", "a?2Kb")]
    [InlineData("a\u007fb", "a?b")]
    [InlineData("evil\u202etxt.exe", "evil?txt.exe")]
    [InlineData("a\u2066b\u2069\u200b", "a?b??")]
    [InlineData("a\u2028b\r\nc\td", "a?b??c?d")]
    [InlineData("ünïcödé ✓", "ünïcödé ✓")]
    public void Line_ReplacesEveryControlFormatAndSeparator(string text, string expected) =>
        Assert.Equal(expected, TerminalText.Line(text));

    [Fact]
    public void Block_KeepsNewlineAndTabOnly() =>
        Assert.Equal("+a\tb\n-c?[8m?\n", TerminalText.Block("+a\tb\n-c\u001b[8m\u202e\n"));
}
