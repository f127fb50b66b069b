using System.Text.Json;
using Nono.Core.Diagnostics;

namespace Nono.Core.Trust.Sigstore;

/// <summary>Reads a trusted root JSON file (<c>dev.sigstore.trustroot.v1.TrustedRoot</c>).</summary>
public static class TrustedRootReader
{
    /// <summary>Parses a trusted root; a malformed file is an error naming the file.</summary>
    public static TrustedRoot Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new NonoException(NonoErrorCode.InvalidPolicy, $"trusted root not found: {path}", path);
        }

        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Parses a trusted root from JSON bytes; <paramref name="origin"/> names it in errors.</summary>
    public static TrustedRoot Parse(byte[] json, string origin)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonSerializer.Deserialize(json, SigstoreJsonContext.Default.TrustedRoot)
                ?? throw new NonoException(NonoErrorCode.InvalidPolicy, $"trusted root is empty: {origin}", origin);
        }
        catch (JsonException ex)
        {
            throw new NonoException(NonoErrorCode.InvalidPolicy, $"trusted root {origin} is malformed: {ex.Message.ReplaceLineEndings(" ")}", origin);
        }
    }
}
