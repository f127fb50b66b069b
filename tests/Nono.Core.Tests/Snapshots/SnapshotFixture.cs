using Nono.Core.Snapshots;
using Nono.Testing;

namespace Nono.Core.Tests.Snapshots;

/// <summary>A temp folder with a workspace root and a private state root, and a session over it.</summary>
internal sealed class SnapshotFixture : IDisposable
{
    private readonly TempDirectory _temp = new("nono-snap-");

    public SnapshotFixture()
    {
        Directory.CreateDirectory(Root);
    }

    public string Root => _temp.Combine("ws");

    public string StateRoot => _temp.Combine("state");

    public string Outside => _temp.Combine("outside");

    public SnapshotStore Store => SnapshotStore.Open(StateRoot);

    public string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    public SnapshotSession Begin(SnapshotOptions? options = null, string id = "session") =>
        SnapshotSession.Begin(Store, id, [Root], options ?? new SnapshotOptions());

    /// <summary>The object file for some content, as the store lays it out.</summary>
    public string ObjectPathFor(byte[] content)
    {
        string hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content));
        return System.IO.Path.Combine(StateRoot, "objects", hash[..2], hash[2..]);
    }

    /// <summary>The store's objects (loose and packed), freshly loaded; dispose it.</summary>
    public ObjectStore OpenObjects() => new(System.IO.Path.Combine(StateRoot, "objects"), 3);

    public void Dispose() => _temp.Dispose();
}
