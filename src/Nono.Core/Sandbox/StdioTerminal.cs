namespace Nono.Core.Sandbox;

/// <summary>
/// Whether the command would inherit a terminal: <c>nono run</c> passes its own stdin, stdout and stderr through, so a
/// terminal on any of them is the command's too (<see cref="EnforcementOptions.TerminalAttached"/>).
/// </summary>
public static class StdioTerminal
{
    /// <summary>True when descriptor 0, 1 or 2 of this process is a terminal.</summary>
    public static bool Attached() => Interop.Interop.IsTerminal(0) || Interop.Interop.IsTerminal(1) || Interop.Interop.IsTerminal(2);
}
