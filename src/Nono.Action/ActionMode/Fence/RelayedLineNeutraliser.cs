using System.Text;

namespace Nono.Action.ActionMode.Fence;

/// <summary>
/// Breaks workflow commands in the command's relayed bytes, as <see cref="CommandNeutralisingWriter"/> does for nono's
/// own lines, so the output stays inert even if the stop token leaks (an agent that can read the live job log through
/// the API could learn it). The runner splits lines on CR and LF (StreamReader.ReadLine), trims each with
/// <c>string.Trim</c> (Unicode white space) and takes <c>::</c> at the start or the legacy <c>##[</c> anywhere; so a word
/// joiner (U+2060) goes between the two colons after any leading white space and between <c>##</c> and <c>[</c>. Every
/// other byte passes unchanged, in order. Streaming: a line may arrive in any number of pieces of any length; only a
/// partial UTF-8 sequence in the leading white space (at most 3 bytes) is held back between pieces.
/// </summary>
internal sealed class RelayedLineNeutraliser
{
    private static readonly byte[] s_wordJoiner = Encoding.UTF8.GetBytes("\u2060");
    private readonly byte[] _pending = new byte[4];
    private readonly byte[] _window = new byte[4];
    private int _pendingLength;
    private State _state = State.Leading;
    private int _hashes;

    private enum State
    {
        Leading,     // only white space so far on this line
        LeadingColon, // white space, then one ':'
        Body,
    }

    /// <summary>The most bytes <see cref="Transform"/> writes for <paramref name="inputLength"/> input bytes.</summary>
    public static int MaxOutput(int inputLength) => (4 * inputLength) + 8; // a joiner (3 bytes) before at most every byte, plus a held sequence

    /// <summary>Neutralises <paramref name="input"/> into <paramref name="output"/> (at least <see cref="MaxOutput"/> long); returns the bytes written.</summary>
    public int Transform(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int written = 0;
        int i = 0;
        while (i < input.Length)
        {
            byte b = input[i];
            if (b is (byte)'\n' or (byte)'\r')
            {
                written += FlushPending(output[written..]);
                output[written++] = b;
                _state = State.Leading;
                _hashes = 0;
                i++;
                continue;
            }

            if (_state == State.Leading)
            {
                // Decode one rune, joining a sequence cut at the previous piece's end.
                int take = Math.Min(4 - _pendingLength, input.Length - i);
                Span<byte> window = _window;
                _pending.AsSpan(0, _pendingLength).CopyTo(window);
                input.Slice(i, take).CopyTo(window[_pendingLength..]);
                System.Buffers.OperationStatus status = Rune.DecodeFromUtf8(window[..(_pendingLength + take)], out Rune rune, out int consumed);
                if (status == System.Buffers.OperationStatus.NeedMoreData && i + take == input.Length)
                {
                    input.Slice(i, take).CopyTo(_pending.AsSpan(_pendingLength)); // wait for the rest of the sequence
                    _pendingLength += take;
                    return written;
                }

                if (status != System.Buffers.OperationStatus.Done)
                {
                    // Not valid UTF-8: the runner reads U+FFFD, which is not white space. A held prefix goes out as it was
                    // and the byte that broke it is looked at again as part of the line's body.
                    if (_pendingLength == 0)
                    {
                        input.Slice(i, consumed).CopyTo(output[written..]);
                        written += consumed;
                        i += consumed;
                    }

                    written += FlushPending(output[written..]);
                    _state = State.Body;
                    _hashes = 0;
                    continue;
                }

                int fromInput = consumed - _pendingLength;
                window[..consumed].CopyTo(output[written..]);
                written += consumed;
                _pendingLength = 0;
                i += fromInput;
                if (Rune.IsWhiteSpace(rune))
                {
                    continue;
                }

                _state = rune.Value == ':' ? State.LeadingColon : State.Body;
                _hashes = rune.Value == '#' ? 1 : 0;
                continue;
            }

            if (_state == State.LeadingColon && b == (byte)':')
            {
                written += Joiner(output[written..]);
            }

            if (b == (byte)'[' && _hashes >= 2)
            {
                written += Joiner(output[written..]);
            }

            _hashes = b == (byte)'#' ? _hashes + 1 : 0;
            _state = State.Body;
            output[written++] = b;
            i++;
        }

        return written;
    }

    /// <summary>Bytes held back at the end of the stream (an unfinished UTF-8 sequence), unchanged.</summary>
    public int Complete(Span<byte> output) => FlushPending(output);

    private int FlushPending(Span<byte> output)
    {
        int n = _pendingLength;
        _pending.AsSpan(0, n).CopyTo(output);
        _pendingLength = 0;
        return n;
    }

    private static int Joiner(Span<byte> output)
    {
        s_wordJoiner.CopyTo(output);
        return s_wordJoiner.Length;
    }
}
