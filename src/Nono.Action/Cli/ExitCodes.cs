namespace Nono.Action.Cli;

/// <summary>Exit codes of the nono executable. A sandboxed child's own code passes through unchanged.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Any nono error: bad policy, unenforceable policy, failed verification.</summary>
    public const int NonoError = 1;

    /// <summary>The command line could not be parsed.</summary>
    public const int UsageError = 2;

    /// <summary>The sandbox could not be set up.</summary>
    public const int SandboxSetupFailed = 126;

    /// <summary>The command was not found or could not be executed.</summary>
    public const int CommandNotFound = 127;

    /// <summary>Base for "killed by signal N" (128 + N).</summary>
    public const int SignalBase = 128;
}
