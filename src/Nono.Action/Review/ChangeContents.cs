using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using Nono.Core.Audit.Events;
using Nono.Core.Snapshots;

namespace Nono.Action.Review;

/// <summary>
/// File contents shipped in the artifact's <c>objects/</c> folder, trusted only after their SHA-256 and size match
/// the digests the signed file-change events name; and the diff rendered from them.
/// </summary>
internal sealed class ChangeContents(string artifactDirectory)
{
    private readonly string _objects = Path.Combine(artifactDirectory, ActionMode.SessionArtifactObjects.DirectoryName);

    /// <summary>The verified content, or null when the artifact does not carry it. Throws when it does not match.</summary>
    public byte[]? Read(string digest, long? size)
    {
        if (digest is not { Length: 64 } || !digest.All(char.IsAsciiHexDigitLower))
        {
            throw new InvalidDataException($"'{digest}' is not a SHA-256 digest");
        }

        string path = Path.Combine(_objects, digest);
        if (!File.Exists(path))
        {
            return null;
        }

        byte[] content = File.ReadAllBytes(path);
        if (Convert.ToHexStringLower(SHA256.HashData(content)) != digest || (size is long expected && expected != content.Length))
        {
            throw new InvalidDataException($"objects/{digest} does not match the digest the signed record names");
        }

        return content;
    }

    /// <summary>Checks every object the changes name; returns one problem per mismatching object.</summary>
    public IReadOnlyList<string> Verify(IEnumerable<FileChangedEvent> changes)
    {
        List<string> problems = [];
        foreach (FileChangedEvent change in changes)
        {
            foreach ((string? digest, long? size) in new[] { (change.BeforeDigest, change.BeforeSize), (change.AfterDigest, change.AfterSize) })
            {
                try
                {
                    _ = digest is null ? null : Read(digest, size);
                }
                catch (InvalidDataException ex)
                {
                    problems.Add($"{change.Path}: {ex.Message}");
                }
            }
        }

        return problems;
    }

    /// <summary>A unified diff, or a one-line description when the content is binary, missing or only the mode changed.</summary>
    [SupportedOSPlatform("linux")]
    public string Diff(FileChangedEvent change)
    {
        if (change.BeforeDigest is null && change.AfterDigest is null)
        {
            string mode = change.BeforeMode is uint b && change.AfterMode is uint a && a != b ? $" (mode {Convert.ToString(b, 8)} -> {Convert.ToString(a, 8)})" : "";
            return $"# {change.Change.ToString().ToLowerInvariant()} {change.Path}: {change.BeforeType ?? "-"} -> {change.AfterType ?? "-"}{mode}\n";
        }

        byte[]? before = change.BeforeDigest is null ? [] : Read(change.BeforeDigest, change.BeforeSize);
        byte[]? after = change.AfterDigest is null ? [] : Read(change.AfterDigest, change.AfterSize);
        if (before is null || after is null)
        {
            return $"# {change.Path}: content not in the artifact (files over {ActionMode.SessionArtifactObjects.MaxFileBytes} bytes are left out)\n";
        }

        if (UnifiedDiff.DecodeText(before) is not { } oldText || UnifiedDiff.DecodeText(after) is not { } newText)
        {
            return $"# {change.Path}: binary files differ ({before.Length} -> {after.Length} bytes)\n";
        }

        if (oldText == newText)
        {
            return $"# {change.Path}: mode {Convert.ToString(change.BeforeMode ?? 0, 8)} -> {Convert.ToString(change.AfterMode ?? 0, 8)}\n";
        }

        return UnifiedDiff.Render(change.BeforeDigest is null ? "/dev/null" : "a/" + change.Path, change.AfterDigest is null ? "/dev/null" : "b/" + change.Path, oldText, newText);
    }
}
