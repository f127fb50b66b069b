using Nono.Core.Sandbox.Interop;

namespace Nono.Core.Sandbox;

/// <summary>
/// A directory on the way from a carved grant down to a deny, as the plan listed it: the grant itself
/// (<see cref="Parent"/> null) or one entry of its parent, and the inode the listing read. The ruleset builder reaches
/// the listed siblings only through these, one component at a time from the grant, without following a link, and
/// refuses to run when one is no longer the inode listed (see <see cref="CarvedDirectoryWalk"/>).
/// </summary>
internal sealed class CarvedDirectory(string path, CarvedDirectory? parent, FileIdentity identity)
{
    /// <summary>The full path, as listed (the grant's canonical path, then one component per level).</summary>
    public string Path { get; } = path;

    /// <summary>The directory this one is an entry of; null for the grant.</summary>
    public CarvedDirectory? Parent { get; } = parent;

    /// <summary>The inode the plan listed.</summary>
    public FileIdentity Identity { get; } = identity;

    /// <summary>The last component of <see cref="Path"/>: the entry name in <see cref="Parent"/>.</summary>
    public ReadOnlySpan<char> Name => System.IO.Path.GetFileName(Path.AsSpan());

    /// <summary>The name of <paramref name="listedPath"/> (an entry listed in this directory) inside it.</summary>
    public ReadOnlySpan<char> EntryName(string listedPath) => listedPath.AsSpan(Path.EndsWith('/') ? Path.Length : Path.Length + 1);
}
