namespace Nono.Core.Diagnostics;

/// <summary>Machine-readable reason carried by a <see cref="NonoException"/>.</summary>
public enum NonoErrorCode
{
    /// <summary>A policy, profile or option is invalid.</summary>
    InvalidPolicy,

    /// <summary>The requested policy cannot be enforced on this kernel without an explicit weaker-mode opt-in.</summary>
    Unenforceable,

    /// <summary>A system call failed while the sandbox was being set up.</summary>
    SandboxSetupFailed,

    /// <summary>The command to run was not found or could not be executed.</summary>
    CommandNotFound,

    /// <summary>Nono's own state on disk is missing, corrupt or inconsistent.</summary>
    StateCorrupt,

    /// <summary>An integrity or signature check failed.</summary>
    VerificationFailed,

    /// <summary>An I/O error outside the sandbox.</summary>
    Io,
}
