namespace Nono.Core.Snapshots;

/// <summary>One distinct content a restore extracts into its staging area, and who uses it.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class StagedObject(ManifestEntry first, string firstWhere)
{
    public long Size { get; } = first.Size;

    /// <summary>The first entry with this content (errors name it).</summary>
    public ManifestEntry First { get; } = first;

    /// <summary>The first entry's absolute path in display form (errors name it).</summary>
    public string FirstWhere { get; } = firstWhere;

    public int Uses { get; private set; } = 1;

    /// <summary>The only entry with this content, or null when several share it (each then gets a copy).</summary>
    public ManifestEntry? Sole { get; private set; } = first;

    public void AddUse()
    {
        Uses++;
        Sole = null;
    }
}
