namespace Nono.Action.Commands;

/// <summary>
/// A per-run temporary directory (mode 0700) that becomes the child's <c>TMPDIR</c>. Without it the
/// <c>temp_write</c> group would grant <c>$TMPDIR</c>, which is all of <c>/tmp</c> when unset: other
/// users' and jobs' temp files.
/// </summary>
internal sealed class PrivateTemp : IDisposable
{
    private PrivateTemp(string path) => Path = path;

    public string Path { get; }

    public static PrivateTemp Create()
    {
        // CreateTempSubdirectory makes the directory with mode 0700 under the system temp folder.
        return new PrivateTemp(Directory.CreateTempSubdirectory("nono-tmp-").FullName);
    }

    /// <summary>Removes the directory and what the child left in it. Links are removed, never followed.</summary>
    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A child may leave a read-only tree behind; a stale private temp folder is harmless.
        }
    }
}
