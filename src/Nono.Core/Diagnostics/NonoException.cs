namespace Nono.Core.Diagnostics;

/// <summary>
/// The one exception type Nono throws for exceptional outcomes. The <see cref="Code"/> says what
/// kind of failure it is; the optional context (path, syscall, errno) says where.
/// </summary>
public sealed class NonoException : Exception
{
    /// <summary>Creates an exception with a reason and a one-line message.</summary>
    public NonoException(NonoErrorCode code, string message, string? path = null, string? syscall = null, int errno = 0, Exception? inner = null)
        : base(message, inner)
    {
        Code = code;
        Path = path;
        Syscall = syscall;
        Errno = errno;
    }

    /// <summary>What kind of failure this is.</summary>
    public NonoErrorCode Code { get; }

    /// <summary>The path involved, if any.</summary>
    public string? Path { get; }

    /// <summary>The system call that failed, if any.</summary>
    public string? Syscall { get; }

    /// <summary>The kernel's errno, or 0.</summary>
    public int Errno { get; }
}
