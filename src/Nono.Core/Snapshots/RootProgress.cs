namespace Nono.Core.Snapshots;

/// <summary>Stamps each progress report of one root's work with the root, so a session of several roots says which one is meant.</summary>
internal sealed class RootProgress(IProgress<SnapshotProgress> inner, string root) : IProgress<SnapshotProgress>
{
    /// <summary>A reporter for <paramref name="root"/>, or null when nobody listens.</summary>
    public static RootProgress? For(IProgress<SnapshotProgress>? inner, string root) => inner is null ? null : new RootProgress(inner, root);

    public void Report(SnapshotProgress value) => inner.Report(value with { Root = root });
}
