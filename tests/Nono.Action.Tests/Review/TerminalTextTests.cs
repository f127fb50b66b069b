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

    /// <summary>Review S-D: judged per code point, so supplementary-plane format characters and invisible fillers go too.</summary>
    [Theory]
    [InlineData("a\U000E0041\U000E007Fb", "a??b")]
    [InlineData("a\U0001D173b", "a?b")]
    [InlineData("a\u3164b\u115Fc\u00ADd\uFE0Fe", "a?b?c?d?e")]
    [InlineData("emoji \U0001F600 ok", "emoji \U0001F600 ok")]
    public void Line_ReplacesSupplementaryFormatAndDefaultIgnorables(string text, string expected) =>
        Assert.Equal(expected, TerminalText.Line(text));

    [Fact]
    public void Line_LoneSurrogates_BecomeOneQuestionMarkEach()
    {
        string text = "a" + '\uD800' + "b" + '\uDC00' + "\U0001F600" + '\uD83D';

        Assert.Equal("a?b?\U0001F600?", TerminalText.Line(text));
        Assert.Equal("x\n?\ty\n", TerminalText.Block("x\n" + '\uDFFF' + "\ty\n"));
    }

    [Fact]
    public void Block_KeepsNewlineAndTabOnly() =>
        Assert.Equal("+a\tb\n-c?[8m?\n", TerminalText.Block("+a\tb\n-c\u001b[8m\u202e\n"));
}
