using Microsoft.Win32.SafeHandles;

namespace Nono.Core.Sandbox;

/// <summary>What to run inside the sandbox.</summary>
public sealed record LaunchSpec
{
    /// <summary>The command: a name looked up on PATH, or a path (relative to <see cref="WorkingDirectory"/>).</summary>
    public required string Command { get; init; }

    /// <summary>Arguments after the command (argv[1..]).</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>The complete environment of the command (nothing is inherited implicitly).</summary>
    public required IReadOnlyDictionary<string, string> Environment { get; init; }

    /// <summary>The command's working directory.</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>Standard input for the command; null inherits the caller's.</summary>
    public SafeFileHandle? StandardInput { get; init; }

    /// <summary>Standard output for the command; null inherits the caller's.</summary>
    public SafeFileHandle? StandardOutput { get; init; }

    /// <summary>Standard error for the command; null inherits the caller's.</summary>
    public SafeFileHandle? StandardError { get; init; }

    /// <summary>
    /// Watches the command's path syscalls and records the ones the policy denies (a notify-only seccomp filter that
    /// always lets the call continue; Landlock stays the enforcer). Null: no observer. <c>run</c> only.
    /// </summary>
    public Audit.Observers.SeccompObserver? Observer { get; init; }

    /// <summary>Asks Landlock (ABI 7+) to keep logging denials to the kernel audit log after execve.</summary>
    public bool LandlockAuditLog { get; init; }

    /// <summary>Test knob: a step of the namespace's DNS trap to make fail in the kernel (netns tier, proxy mode).</summary>
    public DnsTrapFault DnsTrapFault { get; init; }

    /// <summary>
    /// Test knob: called once everything is prepared in nono (the ruleset built, the mounts to make chosen), just before
    /// the child is started, so a test can change the tree in the window the child's own checks must cover.
    /// </summary>
    public Action? BeforeStart { get; init; }
}
