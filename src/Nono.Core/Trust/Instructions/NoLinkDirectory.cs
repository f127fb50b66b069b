using Microsoft.Extensions.FileSystemGlobbing.Abstractions;

namespace Nono.Core.Trust.Instructions;

/// <summary>
/// A directory for glob matching that does not descend into symbolic links to directories. The
/// workspace is agent-controlled: a link to <c>/</c> or to itself would otherwise make <c>**</c>
/// walk the whole file system or loop. Links to files are kept (their target is what gets hashed).
/// </summary>
internal sealed class NoLinkDirectory(DirectoryInfo directory, DirectoryInfoBase? parent = null) : DirectoryInfoBase
{
    public override string Name => directory.Name;

    public override string FullName => directory.FullName;

    public override DirectoryInfoBase? ParentDirectory => parent;

    public override IEnumerable<FileSystemInfoBase> EnumerateFileSystemInfos()
    {
        IEnumerable<FileSystemInfo> entries;
        try
        {
            entries = directory.EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = true, RecurseSubdirectories = false });
        }
        catch (Exception ex) when (ex is DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            yield break;
        }

        foreach (FileSystemInfo entry in entries)
        {
            if (entry is DirectoryInfo sub)
            {
                if (sub.LinkTarget is null)
                {
                    yield return new NoLinkDirectory(sub, this);
                }
            }
            else if (entry is FileInfo file)
            {
                yield return new FileInfoWrapper(file);
            }
        }
    }

    public override DirectoryInfoBase? GetDirectory(string path)
    {
        if (path == "..")
        {
            return parent;
        }

        DirectoryInfo sub = new(Path.Combine(directory.FullName, path));
        return sub.Exists && sub.LinkTarget is null ? new NoLinkDirectory(sub, this) : null;
    }

    public override FileInfoBase? GetFile(string path) => new FileInfoWrapper(new FileInfo(Path.Combine(directory.FullName, path)));
}
