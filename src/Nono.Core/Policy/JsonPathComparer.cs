namespace Nono.Core.Policy;

/// <summary>Orders JSON paths so that <c>allow[2]</c> comes before <c>allow[10]</c>.</summary>
internal sealed class JsonPathComparer : IComparer<string>
{
    public static JsonPathComparer Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }

        int i = 0;
        int j = 0;
        while (i < x.Length && j < y.Length)
        {
            if (char.IsAsciiDigit(x[i]) && char.IsAsciiDigit(y[j]))
            {
                int si = i;
                int sj = j;
                while (i < x.Length && char.IsAsciiDigit(x[i]))
                {
                    i++;
                }

                while (j < y.Length && char.IsAsciiDigit(y[j]))
                {
                    j++;
                }

                int byNumber = long.Parse(x.AsSpan(si, i - si), provider: System.Globalization.CultureInfo.InvariantCulture)
                    .CompareTo(long.Parse(y.AsSpan(sj, j - sj), provider: System.Globalization.CultureInfo.InvariantCulture));
                if (byNumber != 0)
                {
                    return byNumber;
                }

                continue;
            }

            int byChar = x[i].CompareTo(y[j]);
            if (byChar != 0)
            {
                return byChar;
            }

            i++;
            j++;
        }

        return (x.Length - i).CompareTo(y.Length - j);
    }
}
