using System.Text;

namespace Nono.Core.Proxy;

/// <summary>
/// Finds a credential inside base64 text at any byte offset (<c>Basic base64(user:token)</c> puts the token at offset 5).
/// Base64 maps 3 bytes to 4 characters, so the encoding of a credential depends on its offset modulo 3 and on its
/// neighbours at both ends; the characters made only of the credential's bits (the stable inner part) are the same
/// wherever it sits. Each of the three inner parts, in the standard and the URL-safe alphabet, is a needle. A base64 run
/// holding a needle is decoded, the credential replaced by the phantom and re-encoded in the run's own alphabet and
/// padding; a run that does not decode to bytes holding the credential has its needles replaced by the phantom text.
/// </summary>
internal sealed class Base64Echo
{
    private readonly byte[] _real;
    private readonly byte[] _phantom;
    private readonly string[] _needles;
    private readonly string[] _escapedNeedles; // a base64 value percent-encoded in a URL: + / as %2B %2F

    public Base64Echo(string real, string phantom)
    {
        _real = Encoding.UTF8.GetBytes(real);
        _phantom = Encoding.UTF8.GetBytes(phantom);
        HashSet<string> needles = new(StringComparer.Ordinal);
        for (int offset = 0; offset < 3; offset++)
        {
            string inner = InnerPart(_real, offset);
            if (inner.Length > 0)
            {
                _ = needles.Add(inner);
                _ = needles.Add(ToUrlSafe(inner));
            }
        }

        _needles = [.. needles];
        _escapedNeedles = [.. needles.Select(Uri.EscapeDataString).Where(e => !needles.Contains(e))];
    }

    /// <summary>The characters of base64(<paramref name="offset"/> bytes, credential, ...) made only of credential bits.</summary>
    internal static string InnerPart(byte[] credential, int offset)
    {
        byte[] buffer = new byte[offset + credential.Length + 2]; // zeros after: the last group is complete
        credential.CopyTo(buffer, offset);
        string encoded = Convert.ToBase64String(buffer);
        int first = ((8 * offset) + 5) / 6; // first character whose 6 bits all lie in the credential
        int end = 8 * (offset + credential.Length) / 6; // one past the last such character
        return end > first ? encoded[first..end] : string.Empty;
    }

    /// <summary>The value with every base64 echo of the credential replaced; the same instance when there is none.</summary>
    public string Mask(string value)
    {
        foreach (string escaped in _escapedNeedles)
        {
            // Percent-encoded base64 splits into runs at each '%': cut these out as text (%2b and %2B alike).
            value = value.Replace(escaped, Encoding.UTF8.GetString(_phantom), StringComparison.OrdinalIgnoreCase);
        }

        if (!ContainsNeedle(value))
        {
            return value;
        }

        StringBuilder masked = new(value.Length);
        int i = 0;
        while (i < value.Length)
        {
            if (!IsBase64Char(value[i]))
            {
                masked.Append(value[i++]);
                continue;
            }

            int start = i;
            while (i < value.Length && IsBase64Char(value[i]))
            {
                i++;
            }

            for (int pad = 0; pad < 2 && i < value.Length && value[i] == '='; pad++)
            {
                i++;
            }

            string run = value[start..i];
            masked.Append(ContainsNeedle(run) ? MaskRun(run) : run);
        }

        return masked.ToString();
    }

    private string MaskRun(string run)
    {
        // A run with neither '+' '/' nor '-' '_' could be either alphabet: re-encoded as standard (Basic, most headers).
        bool urlSafe = run.Contains('-', StringComparison.Ordinal) || run.Contains('_', StringComparison.Ordinal);
        bool padded = run.EndsWith('=');
        string standard = run.TrimEnd('=').Replace('-', '+').Replace('_', '/');
        string repadded = standard + new string('=', (4 - (standard.Length % 4)) % 4);
        byte[] decoded = new byte[repadded.Length / 4 * 3];
        if (standard.Length % 4 != 1 && Convert.TryFromBase64String(repadded, decoded, out int length)
            && Replace(decoded.AsSpan(0, length)) is byte[] replaced)
        {
            string encoded = Convert.ToBase64String(replaced);
            encoded = padded ? encoded : encoded.TrimEnd('=');
            encoded = urlSafe ? ToUrlSafe(encoded) : encoded;
            if (!ContainsNeedle(encoded))
            {
                return encoded;
            }
        }

        // Not a base64 value aligned at the run's start (or the phantom re-encoded to a needle): cut the needles out.
        string text = run;
        foreach (string needle in _needles)
        {
            text = text.Replace(needle, Encoding.UTF8.GetString(_phantom), StringComparison.Ordinal);
        }

        return text;
    }

    private byte[]? Replace(ReadOnlySpan<byte> decoded)
    {
        if (decoded.IndexOf(_real) < 0)
        {
            return null;
        }

        List<byte> output = new(decoded.Length);
        while (decoded.Length > 0)
        {
            int at = decoded.IndexOf(_real);
            if (at < 0)
            {
                output.AddRange(decoded);
                break;
            }

            output.AddRange(decoded[..at]);
            output.AddRange(_phantom);
            decoded = decoded[(at + _real.Length)..];
        }

        return [.. output];
    }

    private bool ContainsNeedle(string text)
    {
        foreach (string needle in _needles)
        {
            if (text.Contains(needle, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsBase64Char(char c) => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '-' or '_';

    private static string ToUrlSafe(string base64) => base64.Replace('+', '-').Replace('/', '_');
}
