using Nono.Core.Snapshots.Native;

namespace Nono.Core.Audit;

/// <summary>Writes a file by temp file + fsync + rename, so readers see the old or the new content, never a mix.</summary>
internal static class AtomicFile
{
    public static Task WriteAsync(string path, ReadOnlyMemory<byte> content, UnixFileMode mode, CancellationToken cancellationToken) =>
        WriteAsync(path, content, mode, overwrite: true, durable: true, cancellationToken);

    /// <summary>Like <see cref="WriteAsync(string, ReadOnlyMemory{byte}, UnixFileMode, CancellationToken)"/>, but fails if <paramref name="path"/> exists by the time of the rename.</summary>
    public static Task CreateNewAsync(string path, ReadOnlyMemory<byte> content, UnixFileMode mode, CancellationToken cancellationToken) =>
        WriteAsync(path, content, mode, overwrite: false, durable: true, cancellationToken);

    /// <summary>
    /// Temp file + rename without the fsync: atomic for readers and against a crash of this process (the page cache
    /// survives it), not against a power loss. For records made durable later, off the critical path
    /// (<see cref="FlushToDisk"/>).
    /// </summary>
    public static Task ReplaceAsync(string path, ReadOnlyMemory<byte> content, UnixFileMode mode, CancellationToken cancellationToken) =>
        WriteAsync(path, content, mode, overwrite: true, durable: false, cancellationToken);

    /// <summary>fsyncs an existing file (its data written through any descriptor).</summary>
    public static void FlushToDisk(string path)
    {
        using FileStream stream = new(path, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Write, Share = FileShare.ReadWrite, BufferSize = 0 });
        stream.Flush(flushToDisk: true);
    }

    private static Task WriteAsync(string path, ReadOnlyMemory<byte> content, UnixFileMode mode, bool overwrite, bool durable, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        try
        {
            Write(path, content.Span, mode, overwrite, durable);
            return Task.CompletedTask;
        }
        catch (Exception ex)
        {
            return Task.FromException(ex);
        }
    }

    private static void Write(string path, ReadOnlySpan<byte> content, UnixFileMode mode, bool overwrite, bool durable)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? throw new ArgumentException("no directory", nameof(path));
        string temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            // Synchronous on purpose: a small write to the page cache, and async file I/O would start thread-pool
            // workers just for it (measurable in nono's start-up).
            FileStreamOptions options = FileModes.Options(FileMode.CreateNew, FileAccess.Write, FileShare.None, mode);
            options.BufferSize = 0;
            using (FileStream stream = new(temp, options))
            {
                stream.Write(content);
                if (durable)
                {
                    stream.Flush(flushToDisk: true);
                }
            }

            File.Move(temp, path, overwrite);
            if (durable)
            {
                FlushDirectory(directory); // the rename itself must survive a power loss, not only the bytes
            }
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>
    /// First half of a durable write: <paramref name="content"/> in a temp file beside <paramref name="path"/>, fsynced.
    /// Returns the temp file for <see cref="Commit"/>; lets a caller overlap this fsync with another one.
    /// </summary>
    public static string Stage(string path, ReadOnlySpan<byte> content, UnixFileMode mode)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? throw new ArgumentException("no directory", nameof(path));
        string temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            FileStreamOptions options = FileModes.Options(FileMode.CreateNew, FileAccess.Write, FileShare.None, mode);
            options.BufferSize = 0;
            using FileStream stream = new(temp, options);
            stream.Write(content);
            stream.Flush(flushToDisk: true);
            return temp;
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Second half: renames the staged <paramref name="temp"/> over <paramref name="path"/> and fsyncs the directory.</summary>
    public static void Commit(string temp, string path)
    {
        try
        {
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }

        FlushDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>fsyncs a directory, so names just created or renamed in it are on disk.</summary>
    public static void FlushDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using SafeFd handle = Fs.OpenDirectory(Path.GetFullPath(directory));
        if (Interop.Libc.fsync(handle.Fd) != 0)
        {
            throw Fs.Error("fsync", directory, Fs.LastErrno);
        }
    }
}
