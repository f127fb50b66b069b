using System.Security.Cryptography;
using Nono.Core.Audit.Events;

namespace Nono.Action.Review;

/// <summary>
/// Rolls a session's file changes back in a local checkout (<c>nono review --apply DIR</c>). The signed file-change
/// events say what each path was before and after; the artifact's verified objects hold the old contents. Every path
/// is checked first: the checkout must hold exactly what the session recorded afterwards (same type, same SHA-256),
/// with no symbolic link on the way, or nothing is changed. Files are then written as temp files renamed into place.
/// </summary>
internal static partial class CheckoutRollback
{
    private const string File = "file";
    private const string Directory = "directory";

    /// <summary>Every reason the checkout does not match (empty: it can be rolled back).</summary>
    public static IReadOnlyList<string> Check(string checkout, IReadOnlyList<FileChangedEvent> changes, ChangeContents contents)
    {
        List<string> problems = [];
        string[] roots = [.. changes.Select(c => c.Root ?? "").Distinct(StringComparer.Ordinal)];
        if (roots.Length > 1)
        {
            problems.Add($"the changes span {roots.Length} snapshot roots ({string.Join(", ", roots)}); only one maps onto a checkout");
        }

        foreach (FileChangedEvent change in changes)
        {
            string? reason = CheckOne(checkout, change, contents);
            if (reason is not null)
            {
                problems.Add($"{change.Path}: {reason}");
            }
        }

        return problems;
    }

    private static string? CheckOne(string checkout, FileChangedEvent change, ChangeContents contents)
    {
        if (!RelativePath.IsPlain(change.Path))
        {
            return "not a plain relative path";
        }

        if (change.Root is null || (change.BeforeType is null && change.AfterType is null))
        {
            return "the session did not record types and digests for this change (recorded by an older nono)";
        }

        if (change.BeforeType is not (null or File or Directory) || change.AfterType is not (null or File or Directory))
        {
            return $"{change.BeforeType ?? change.AfterType} entries cannot be rolled back by review";
        }

        if (LinkOnTheWay(checkout, change.Path) is { } link)
        {
            return $"'{link}' is a symbolic link in the checkout";
        }

        string path = Path.Combine(checkout, change.Path);
        string? now = Kind(path);
        if (now != change.AfterType)
        {
            return $"the checkout has {now ?? "nothing"} here, the session left {change.AfterType ?? "nothing"}";
        }

        if (change.AfterType == File && Hash(path) != change.AfterDigest)
        {
            return "the checkout's content differs from what the session left (edited since?)";
        }

        if (change.BeforeType == File && (change.BeforeDigest is null || contents.Read(change.BeforeDigest, change.BeforeSize) is null))
        {
            return "the previous content is not in the artifact";
        }

        return null;
    }

    /// <summary>The first existing component of <paramref name="relative"/> under <paramref name="checkout"/> that is a symlink.</summary>
    private static string? LinkOnTheWay(string checkout, string relative)
    {
        string current = checkout;
        foreach (string part in relative.Split('/'))
        {
            current = Path.Combine(current, part);
            if (new FileInfo(current).LinkTarget is not null)
            {
                return Path.GetRelativePath(checkout, current);
            }
        }

        return null;
    }

    private static string? Kind(string path)
    {
        FileInfo info = new(path);
        return info.LinkTarget is not null ? "symlink"
            : System.IO.Directory.Exists(path) ? Directory
            : info.Exists ? File
            : null;
    }

    private static string Hash(string path)
    {
        using FileStream stream = System.IO.File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
