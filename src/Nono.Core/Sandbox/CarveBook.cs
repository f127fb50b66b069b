using Nono.Core.Capabilities;
using Nono.Core.Sandbox.Interop;

namespace Nono.Core.Sandbox;

/// <summary>What the planner's carving listed, keyed by the sibling grants it made (by reference).</summary>
internal sealed class CarveBook
{
    /// <summary>Each sibling grant and the directory it was listed in.</summary>
    public Dictionary<FsGrant, CarvedDirectory> Listed { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>Sibling grants that are non-directories with more than one hard link, and their inodes.</summary>
    public Dictionary<FsGrant, FileIdentity> Linked { get; } = new(ReferenceEqualityComparer.Instance);
}
