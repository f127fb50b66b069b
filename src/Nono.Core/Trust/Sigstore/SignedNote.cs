using System.Globalization;
using System.Text;
using Nono.Core.Trust.Keys;

namespace Nono.Core.Trust.Sigstore;

/// <summary>
/// A transparency log checkpoint in the signed-note format: origin, tree size and base64 root hash
/// lines (plus optional extension lines), a blank line, then one or more
/// <c>— name base64(keyhint[4] || signature)</c> lines.
/// </summary>
internal sealed record SignedNote(string Origin, long TreeSize, byte[] RootHash, byte[] Text, IReadOnlyList<(string Name, byte[] KeyHint, byte[] Signature)> Signatures)
{
    public static SignedNote? Parse(string envelope)
    {
        int split = envelope.IndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0)
        {
            return null;
        }

        string text = envelope[..(split + 1)];
        string[] lines = text.TrimEnd('\n').Split('\n');
        if (lines.Length < 3 || lines[0].Length == 0
            || !long.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out long size))
        {
            return null;
        }

        byte[] root;
        try
        {
            root = Convert.FromBase64String(lines[2]);
        }
        catch (FormatException)
        {
            return null;
        }

        List<(string, byte[], byte[])> signatures = [];
        foreach (string line in envelope[(split + 2)..].Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] parts = line.Split(' ');
            if (parts.Length != 3 || parts[0] != "\u2014")
            {
                return null;
            }

            byte[] blob;
            try
            {
                blob = Convert.FromBase64String(parts[2]);
            }
            catch (FormatException)
            {
                return null;
            }

            if (blob.Length < 5)
            {
                return null;
            }

            signatures.Add((parts[1], blob[..4], blob[4..]));
        }

        return root.Length == 32 && signatures.Count > 0 ? new SignedNote(lines[0], size, root, Encoding.UTF8.GetBytes(text), signatures) : null;
    }

    /// <summary>True when a signature whose key hint matches the log id's first 4 bytes verifies with the log key.</summary>
    public bool VerifyBy(byte[] logKeyId, VerificationKey key) =>
        logKeyId.Length >= 4 && Signatures.Any(s => s.KeyHint.AsSpan().SequenceEqual(logKeyId.AsSpan(0, 4)) && key.Verify(Text, s.Signature));
}
