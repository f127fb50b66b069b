namespace Nono.Core.Sandbox;

/// <summary>
/// One Landlock path-beneath rule: the rights allowed at and below <see cref="Path"/>. <see cref="Listed"/>: an entry a
/// directory listing found while carving a deny out of a grant; it is opened without following a link and skipped when
/// it is gone or changed kind since the listing (see <c>Interop.TryOpenListedEntry</c>).
/// </summary>
internal sealed record LandlockPathRule(string Path, LandlockFs Access, bool IsFile, string Source, bool Listed = false);
