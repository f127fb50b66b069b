using System.Text;
using Nono.Action.ActionMode.Fence;

namespace Nono.Action.Tests.ActionMode;

/// <summary>
/// The command's relayed bytes, read by the runner's command parser with no stop token in force (as if the token leaked):
/// no command takes effect, whatever the pieces the bytes arrive in; everything else passes byte for byte.
/// </summary>
public sealed class RelayedLineNeutraliserTests
{
    public static TheoryData<string> Hostile => new()
    {
        "::set-output name=step-exit::0\n",
        "   \t::error file=app.py::forged\n",
        "\u00a0\u3000\u2028\u0085::add-mask::violations\n", // Unicode white space string.Trim removes
        "\v\f::warning::vertical tab and form feed\n",
        "text ##[add-mask]legacy anywhere\n",
        "###[error]three hashes\n",
        "a\r::error::after a lone carriage return\n",
        "a\r\n  ::notice::after CRLF",
        "::abc0123::\n::stop-commands::x\n",
        "#\n##[debug]x\n:\n::debug::y\n",
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void HostileOutput_TakesNoEffect_InAnyPieces(string text)
    {
        byte[] input = Encoding.UTF8.GetBytes(text);
        string whole = Run(input, input.Length);

        Assert.Empty(RunnerCommandLog.Parse(whole));
        for (int piece = 1; piece < input.Length; piece++)
        {
            Assert.Equal(whole, Run(input, piece));
        }

        // Only word joiners were added: removing them gives the command's bytes back.
        Assert.Equal(text, whole.Replace("\u2060", "", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("plain text\n")]
    [InlineData("a::b ::c x::\n")]
    [InlineData("# heading\n## sub [link]\n")]
    [InlineData(": one colon\n :x\n")]
    [InlineData("no newline at the end")]
    public void OrdinaryText_PassesByteForByte(string text)
    {
        byte[] input = Encoding.UTF8.GetBytes(text);

        Assert.Equal(input, Bytes(input, 1));
        Assert.Equal(input, Bytes(input, input.Length));
    }

    [Fact]
    public void InvalidUtf8AndBinary_PassUnchanged_AndCannotHideALeadingCommand()
    {
        byte[] binary = [0xE2, 0x80, (byte)'\n', 0xFF, 0x00, (byte)':', (byte)':', 0xC2, (byte)'\r', 0xF0, 0x9F, 0x98];
        for (int piece = 1; piece <= binary.Length; piece++)
        {
            Assert.Equal(binary, Bytes(binary, piece)); // no line there starts with '::' once decoded as the runner does
        }

        // A cut multi-byte white space before '::' is still white space.
        byte[] cut = Encoding.UTF8.GetBytes("\u3000::error::x\n");
        for (int piece = 1; piece < cut.Length; piece++)
        {
            Assert.Empty(RunnerCommandLog.Parse(Run(cut, piece)));
        }
    }

    [Fact]
    public void LongLine_OfWhiteSpaceThenCommand_IsNeutralised_WithoutBuffering()
    {
        byte[] input = Encoding.UTF8.GetBytes(new string(' ', 1 << 20) + "::error::after a megabyte\n" + new string('#', 1 << 20) + "[error]x\n");
        RelayedLineNeutraliser neutraliser = new();
        byte[] output = new byte[RelayedLineNeutraliser.MaxOutput(64 * 1024)];
        using MemoryStream all = new();
        for (int at = 0; at < input.Length; at += 64 * 1024)
        {
            ReadOnlySpan<byte> piece = input.AsSpan(at, Math.Min(64 * 1024, input.Length - at));
            int n = neutraliser.Transform(piece, output);
            Assert.True(n >= piece.Length); // nothing held back but a partial UTF-8 sequence
            all.Write(output, 0, n);
        }

        Assert.Empty(RunnerCommandLog.Parse(Encoding.UTF8.GetString(all.ToArray())));
        Assert.Equal(input.Length + 6, all.Length); // two word joiners, 3 bytes each
    }

    private static string Run(byte[] input, int piece) => Encoding.UTF8.GetString(Bytes(input, piece));

    private static byte[] Bytes(byte[] input, int piece)
    {
        RelayedLineNeutraliser neutraliser = new();
        byte[] output = new byte[RelayedLineNeutraliser.MaxOutput(piece)];
        using MemoryStream all = new();
        for (int at = 0; at < input.Length; at += piece)
        {
            all.Write(output, 0, neutraliser.Transform(input.AsSpan(at, Math.Min(piece, input.Length - at)), output));
        }

        all.Write(output, 0, neutraliser.Complete(output));
        return all.ToArray();
    }
}
