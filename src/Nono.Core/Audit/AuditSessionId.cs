namespace Nono.Core.Audit;

/// <summary>Creates and validates session ids. A valid id is always a single, safe path component.</summary>
public static class AuditSessionId
{
    /// <summary>A new id: UTC start time plus 48 random bits, e.g. <c>20260101T120000Z-1a2b3c4d5e6f</c>.</summary>
    public static string New(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);

        // Guid.NewGuid draws from the kernel's CSPRNG without loading OpenSSL (RandomNumberGenerator would, on the start
        // path of every `nono run`); its first six bytes carry no version or variant bits.
        Span<byte> random = stackalloc byte[16];
        _ = Guid.NewGuid().TryWriteBytes(random);
        return time.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture)
            + "-" + Convert.ToHexStringLower(random[..6]);
    }

    /// <summary>True when <paramref name="id"/> is 1–128 characters of [A-Za-z0-9._-], not starting with '.' or '-'.</summary>
    public static bool IsValid(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 128 || id[0] == '.' || id[0] == '-')
        {
            return false;
        }

        foreach (char c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
