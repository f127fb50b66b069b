namespace Nono.Core.Trust.Keys;

/// <summary>The kind of a <see cref="KeyRef"/>.</summary>
public enum KeyRefKind
{
    /// <summary>A PEM file on disk.</summary>
    File,

    /// <summary>A PEM string in an environment variable.</summary>
    Environment,
}
