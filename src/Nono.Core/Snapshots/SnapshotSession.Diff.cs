using System.Text;
using Nono.Core.Snapshots.Native;

namespace Nono.Core.Snapshots;

public sealed partial class SnapshotSession
{
    private const long TextDiffLimit = 1024 * 1024;

    /// <summary>
    /// Compares snapshot <paramref name="from"/> with <paramref name="to"/>. With
    /// <paramref name="includeContent"/>, text files get a unified diff and binary ones a summary
    /// line; their objects are verified before use.
    /// </summary>
    public Task<SnapshotDiff> DiffAsync(int from, int to, bool includeContent = false, CancellationToken cancellationToken = default) =>
        Task.Run(() => Diff(from, to, includeContent, cancellationToken), cancellationToken);

    /// <summary>
    /// The content of a file as a snapshot recorded it (<see cref="SnapshotChange.OldHash"/> or
    /// <see cref="SnapshotChange.NewHash"/>), verified against its hash and size before it is returned.
    /// </summary>
    public byte[] ReadContent(string hash, long expectedSize)
    {
        ArgumentException.ThrowIfNullOrEmpty(hash);
        using ObjectStore objects = Store.Objects(Info.Options.CompressionLevel);
        return objects.ReadVerified(hash, expectedSize);
    }

    private SnapshotDiff Diff(int from, int to, bool includeContent, CancellationToken cancellationToken)
    {
        Manifest a = LoadManifest(from);
        Manifest b = LoadManifest(to);
        using ObjectStore objects = Store.Objects(Info.Options.CompressionLevel);
        List<SnapshotChange> changes = [];
        for (int r = 0; r < a.Roots.Count; r++)
        {
            Dictionary<string, ManifestEntry> before = a.Roots[r].Entries.ToDictionary(e => e.Raw, StringComparer.Ordinal);
            Dictionary<string, ManifestEntry> after = b.Roots[r].Entries.ToDictionary(e => e.Raw, StringComparer.Ordinal);
            foreach (string path in before.Keys.Union(after.Keys).Order(StringComparer.Ordinal))
            {
                cancellationToken.ThrowIfCancellationRequested();
                SnapshotChange? change = Compare(Info.Roots[r], path, before.GetValueOrDefault(path), after.GetValueOrDefault(path));
                if (change is not null)
                {
                    changes.Add(includeContent ? change with { Diff = RenderContent(objects, change) } : change);
                }
            }
        }

        return new SnapshotDiff { Session = Id, From = from, To = to, Changes = changes };
    }

    internal static SnapshotChange? Compare(string root, string raw, ManifestEntry? old, ManifestEntry? now)
    {
        ChangeKind kind;
        if (old is null && now is null)
        {
            return null;
        }
        else if (old is null)
        {
            kind = ChangeKind.Created;
        }
        else if (now is null)
        {
            kind = ChangeKind.Deleted;
        }
        else if (old.Type != now.Type || old.Hash != now.Hash || old.RawTarget != now.RawTarget)
        {
            kind = ChangeKind.Modified;
        }
        else if (old.Mode != now.Mode)
        {
            kind = ChangeKind.ModeChanged;
        }
        else
        {
            return null;
        }

        return new SnapshotChange
        {
            Root = root,
            Path = RawName.ToDisplay(raw),
            Kind = kind,
            OldType = old?.Type,
            NewType = now?.Type,
            OldSize = old?.Type == EntryType.File ? old.Size : 0,
            NewSize = now?.Type == EntryType.File ? now.Size : 0,
            OldMode = old?.Mode,
            NewMode = now?.Mode,
            OldHash = old?.Type == EntryType.File ? old.Hash : null,
            NewHash = now?.Type == EntryType.File ? now.Hash : null,
        };
    }

    private static string? RenderContent(ObjectStore objects, SnapshotChange change)
    {
        if (change.Kind == ChangeKind.ModeChanged || (change.OldHash is null && change.NewHash is null))
        {
            return null;
        }

        if (change.OldSize > TextDiffLimit || change.NewSize > TextDiffLimit)
        {
            return $"Large files differ ({change.OldSize} -> {change.NewSize} bytes)";
        }

        string? oldText = change.OldHash is null ? "" : UnifiedDiff.DecodeText(objects.ReadVerified(change.OldHash, change.OldSize));
        string? newText = change.NewHash is null ? "" : UnifiedDiff.DecodeText(objects.ReadVerified(change.NewHash, change.NewSize));
        if (oldText is null || newText is null)
        {
            return $"Binary files differ ({change.OldSize} -> {change.NewSize} bytes)";
        }

        string oldLabel = change.OldHash is null ? "/dev/null" : "a/" + change.Path;
        string newLabel = change.NewHash is null ? "/dev/null" : "b/" + change.Path;
        return UnifiedDiff.Render(oldLabel, newLabel, oldText, newText);
    }
}
