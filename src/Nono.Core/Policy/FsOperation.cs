namespace Nono.Core.Policy;

/// <summary>The operation <c>nono why</c> asks about.</summary>
public enum FsOperation
{
    /// <summary>Read (and execute).</summary>
    Read,

    /// <summary>Write, create, remove.</summary>
    Write,

    /// <summary>Both.</summary>
    ReadWrite,
}
