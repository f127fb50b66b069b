using System.IO.Compression;
using Nono.Core.Diagnostics;
using Nono.Reports.Terminal;

namespace Nono.Action.Review;

/// <summary>
/// Unpacks a downloaded artifact zip into a fresh private directory, refusing what could escape or exhaust it:
/// names that are absolute, hold <c>..</c>, <c>.</c>, empty or backslash components or NUL (zip-slip); symlinks and
/// any entry that is not a regular file or directory; duplicate names; more entries or bytes than the limits.
/// Files are created with <c>CreateNew</c> under directories this code made, so nothing is followed or overwritten.
/// </summary>
internal static class ArtifactExtractor
{
    private const int S_IFMT = 0xF000;
    private const int S_IFREG = 0x8000;
    private const int S_IFDIR = 0x4000;

    /// <summary>Extracts <paramref name="zipPath"/> into <paramref name="destination"/> (which must not exist yet).</summary>
    public static async Task ExtractAsync(string zipPath, string destination, ExtractionLimits limits, CancellationToken cancellationToken)
    {
        using ZipArchive archive = ZipFile.OpenRead(zipPath);
        if (archive.Entries.Count > limits.MaxEntries)
        {
            throw Refused($"{archive.Entries.Count} entries, more than {limits.MaxEntries}");
        }

        Directory.CreateDirectory(destination, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string root = Path.GetFullPath(destination);
        HashSet<string> seen = new(StringComparer.Ordinal);
        long total = 0;
        foreach (ZipArchiveEntry entry in archive.Entries)
        {
            string name = entry.FullName;
            string shown = TerminalText.Line(name);
            bool isDirectory = name.EndsWith('/');
            string relative = CheckName(isDirectory ? name[..^1] : name);
            int type = (entry.ExternalAttributes >> 16) & S_IFMT;
            if (type != 0 && type != (isDirectory ? S_IFDIR : S_IFREG))
            {
                throw Refused($"entry '{shown}' is {(type == 0xA000 ? "a symbolic link" : "not a regular file or directory")}");
            }

            if (!seen.Add(relative))
            {
                throw Refused($"entry '{shown}' appears twice");
            }

            string target = Path.GetFullPath(Path.Combine(root, relative));
            if (!target.StartsWith(root + "/", StringComparison.Ordinal))
            {
                throw Refused($"entry '{shown}' leaves the destination");
            }

            if (isDirectory)
            {
                Directory.CreateDirectory(target);
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            await using Stream source = await entry.OpenAsync(cancellationToken);
            await using FileStream file = new(target, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite });
            total += await CopyBoundedAsync(source, file, name, limits, limits.MaxTotalBytes - total, cancellationToken);
        }
    }

    private static string CheckName(string name)
    {
        if (!RelativePath.IsPlain(name))
        {
            throw Refused($"entry name '{TerminalText.Line(name)}' is not a plain relative path");
        }

        return name;
    }

    private static async Task<long> CopyBoundedAsync(Stream source, Stream destination, string name, ExtractionLimits limits, long remaining, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[81920];
        long written = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            written += read;
            if (written > limits.MaxFileBytes)
            {
                throw Refused($"entry '{TerminalText.Line(name)}' unpacks to more than {limits.MaxFileBytes} bytes");
            }

            if (written > remaining)
            {
                throw Refused($"the artifact unpacks to more than {limits.MaxTotalBytes} bytes");
            }

            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }

        return written;
    }

    private static NonoException Refused(string reason) => new(NonoErrorCode.InvalidPolicy, $"artifact refused: {reason}");
}
