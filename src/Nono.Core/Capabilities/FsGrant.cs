namespace Nono.Core.Capabilities;

/// <summary>One filesystem allow rule.</summary>
/// <param name="Path">Absolute, canonical path (links resolved).</param>
/// <param name="Access">What the rule allows beneath <paramref name="Path"/>.</param>
/// <param name="IsFile">True when the rule names a single file rather than a directory tree.</param>
/// <param name="Source">Where the rule came from (a group, profile or option), for <c>nono why</c> and reports.</param>
public sealed record FsGrant(string Path, FsAccess Access, bool IsFile, string Source);
