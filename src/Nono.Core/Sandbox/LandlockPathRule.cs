namespace Nono.Core.Sandbox;

/// <summary>
/// One Landlock path-beneath rule: the rights allowed at and below <see cref="Path"/>. <see cref="ListedIn"/>: for an
/// entry a directory listing found while carving a deny out of a grant, the directory listed; the entry is opened by
/// name in that directory (reached from the grant without following a link) and skipped when it is gone or changed
/// kind since the listing (see <c>Interop.TryOpenListedEntry</c>). <see cref="Identity"/>: for any other rule, the inode
/// the plan reached at <see cref="Path"/> without following a link (null when it was not there); the ruleset builder
/// opens the path the same way and refuses to run when it reaches another inode or meets a link.
/// </summary>
internal sealed record LandlockPathRule(string Path, LandlockFs Access, bool IsFile, string Source, CarvedDirectory? ListedIn = null, Interop.FileIdentity? Identity = null);
