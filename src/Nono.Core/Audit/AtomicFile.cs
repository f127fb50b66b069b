namespace Nono.Core.Audit;

/// <summary>Writes a file by temp file + fsync + rename, so readers see the old or the new content, never a mix.</summary>
internal static class AtomicFile
{
    public static Task WriteAsync(string path, ReadOnlyMemory<byte> content, UnixFileMode mode, CancellationToken cancellationToken) =>
        WriteAsync(path, content, mode, overwrite: true, cancellationToken);

    /// <summary>Like <see cref="WriteAsync(string, ReadOnlyMemory{byte}, UnixFileMode, CancellationToken)"/>, but fails if <paramref name="path"/> exists by the time of the rename.</summary>
    public static Task CreateNewAsync(string path, ReadOnlyMemory<byte> content, UnixFileMode mode, CancellationToken cancellationToken) =>
        WriteAsync(path, content, mode, overwrite: false, cancellationToken);

    private static async Task WriteAsync(string path, ReadOnlyMemory<byte> content, UnixFileMode mode, bool overwrite, CancellationToken cancellationToken)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? throw new ArgumentException("no directory", nameof(path));
        string temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            FileStreamOptions options = FileModes.Options(FileMode.CreateNew, FileAccess.Write, FileShare.None, mode);
            await using (FileStream stream = new(temp, options))
            {
                await stream.WriteAsync(content, cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
