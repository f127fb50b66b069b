namespace Nono.Core.Sandbox;

/// <summary>One Landlock path-beneath rule: the rights allowed at and below <see cref="Path"/>.</summary>
internal sealed record LandlockPathRule(string Path, LandlockFs Access, bool IsFile, string Source);
