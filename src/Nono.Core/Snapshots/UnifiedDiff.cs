using System.Text;
using DiffPlex;
using DiffPlex.Model;

namespace Nono.Core.Snapshots;

/// <summary>Renders a unified diff (3 lines of context) from DiffPlex's line diff.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public static class UnifiedDiff
{
    private const int Context = 3;
    private static readonly UTF8Encoding s_strictUtf8 = new(false, true);

    /// <summary>The content as text when it is strict UTF-8 without NUL bytes; null for binary content.</summary>
    public static string? DecodeText(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (Array.IndexOf(bytes, (byte)0) >= 0)
        {
            return null;
        }

        try
        {
            return s_strictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>A unified diff of <paramref name="oldText"/> to <paramref name="newText"/> under the given labels (a/PATH, b/PATH or /dev/null).</summary>
    public static string Render(string oldLabel, string newLabel, string oldText, string newText)
    {
        DiffResult result = Differ.Instance.CreateDiffs(oldText, newText, ignoreWhiteSpace: false, ignoreCase: false, LineChunker.Instance);
        List<(char Op, string Line)> ops = [];
        int a = 0;
        int b = 0;
        foreach (DiffBlock block in result.DiffBlocks)
        {
            while (a < block.DeleteStartA)
            {
                ops.Add((' ', result.PiecesOld[a++]));
                b++;
            }

            for (int i = 0; i < block.DeleteCountA; i++)
            {
                ops.Add(('-', result.PiecesOld[a++]));
            }

            for (int i = 0; i < block.InsertCountB; i++)
            {
                ops.Add(('+', result.PiecesNew[b++]));
            }
        }

        while (a < result.PiecesOld.Count)
        {
            ops.Add((' ', result.PiecesOld[a++]));
        }

        StringBuilder sb = new();
        sb.Append("--- ").Append(oldLabel).Append('\n');
        sb.Append("+++ ").Append(newLabel).Append('\n');
        int index = 0;
        while (index < ops.Count)
        {
            int firstChange = ops.FindIndex(index, o => o.Op != ' ');
            if (firstChange < 0)
            {
                break;
            }

            int start = Math.Max(index, firstChange - Context);
            int end = firstChange;
            int gap = 0;
            for (int i = firstChange; i < ops.Count; i++)
            {
                if (ops[i].Op != ' ')
                {
                    end = i;
                    gap = 0;
                }
                else if (++gap > 2 * Context)
                {
                    break;
                }
            }

            int stop = Math.Min(ops.Count, end + Context + 1);
            int oldStart = ops.Take(start).Count(o => o.Op != '+') + 1;
            int newStart = ops.Take(start).Count(o => o.Op != '-') + 1;
            int oldCount = ops.Skip(start).Take(stop - start).Count(o => o.Op != '+');
            int newCount = ops.Skip(start).Take(stop - start).Count(o => o.Op != '-');
            sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"@@ -{(oldCount == 0 ? oldStart - 1 : oldStart)},{oldCount} +{(newCount == 0 ? newStart - 1 : newStart)},{newCount} @@\n");
            for (int i = start; i < stop; i++)
            {
                sb.Append(ops[i].Op).Append(ops[i].Line).Append('\n');
            }

            index = stop;
        }

        return sb.ToString();
    }

    /// <summary>Lines without their terminators; a final newline does not make an extra empty line.</summary>
    private sealed class LineChunker : IChunker
    {
        public static readonly LineChunker Instance = new();

        public IReadOnlyList<string> Chunk(string str)
        {
            if (str.Length == 0)
            {
                return [];
            }

            string body = str.EndsWith('\n') ? str[..^1] : str;
            return body.Split('\n');
        }
    }
}
