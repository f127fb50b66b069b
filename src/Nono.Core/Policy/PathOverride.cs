using Nono.Core.Capabilities;

namespace Nono.Core.Policy;

/// <summary>A grant added on top of the profile (command line or environment). The path must exist.</summary>
/// <param name="Path">Absolute, <c>~</c>-prefixed, <c>$VAR</c>-prefixed or relative to the working directory.</param>
/// <param name="Access">Access granted.</param>
/// <param name="IsFile">True for a single-file grant.</param>
/// <param name="Source">The option it came from, e.g. <c>--allow</c> or <c>NONO_ALLOW</c>.</param>
public sealed record PathOverride(string Path, FsAccess Access, bool IsFile, string Source);
