using Nono.Core.Audit.Events;

namespace Nono.Action.Review;

internal static partial class CheckoutRollback
{
    private const UnixFileMode PermissionBits = (UnixFileMode)0x1FF;

    /// <summary>What <see cref="Apply"/> did.</summary>
    public sealed record Result(int Restored, int Removed, IReadOnlyList<string> LeftInPlace);

    /// <summary>
    /// Applies the rollback; call only after <see cref="Check"/> found no problem. Removes what the session created
    /// (deepest first), recreates what it deleted and rewrites what it modified (shallowest first). setuid/setgid are dropped.
    /// </summary>
    public static Result Apply(string checkout, IReadOnlyList<FileChangedEvent> changes, ChangeContents contents)
    {
        int restored = 0;
        int removed = 0;
        List<string> left = [];
        foreach (FileChangedEvent created in changes.Where(c => c.BeforeType is null).OrderByDescending(c => c.Path.Count(ch => ch == '/')).ThenByDescending(c => c.Path, StringComparer.Ordinal))
        {
            string path = Path.Combine(checkout, created.Path);
            if (created.AfterType == File)
            {
                System.IO.File.Delete(path);
                removed++;
            }
            else if (System.IO.Directory.EnumerateFileSystemEntries(path).Any())
            {
                // Something the session did not record (e.g. a build output) lives in it: keep it rather than lose it.
                left.Add(created.Path);
            }
            else
            {
                System.IO.Directory.Delete(path);
                removed++;
            }
        }

        foreach (FileChangedEvent change in changes.Where(c => c.BeforeType is not null).OrderBy(c => c.Path.Count(ch => ch == '/')).ThenBy(c => c.Path, StringComparer.Ordinal))
        {
            string path = Path.Combine(checkout, change.Path);
            UnixFileMode mode = (UnixFileMode)(change.BeforeMode ?? 0x1A4) & PermissionBits;
            if (change.BeforeType == Directory)
            {
                if (!System.IO.Directory.Exists(path))
                {
                    System.IO.Directory.CreateDirectory(path, mode);
                }

                System.IO.File.SetUnixFileMode(path, mode);
            }
            else
            {
                // Checked before: the digest is there and its verified content is in the artifact.
                byte[] content = contents.Read(change.BeforeDigest!, change.BeforeSize)!;
                WriteAtomically(path, content, mode);
            }

            restored++;
        }

        return new Result(restored, removed, left);
    }

    private static void WriteAtomically(string path, byte[] content, UnixFileMode mode)
    {
        string temp = Path.Combine(Path.GetDirectoryName(path)!, $".nono-review-{Guid.NewGuid():N}.tmp");
        using (FileStream stream = new(temp, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = mode }))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }

        System.IO.File.SetUnixFileMode(temp, mode);
        System.IO.File.Move(temp, path, overwrite: true);
    }
}
