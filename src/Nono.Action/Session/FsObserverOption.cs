using System.CommandLine;

namespace Nono.Action.Session;

/// <summary><c>--fs-observer auto|on|off</c> for <c>nono run</c>.</summary>
internal static class FsObserverOption
{
    /// <summary>
    /// Whether <c>auto</c> starts the seccomp observer. It costs a supervisor round trip per path call (docs/benchmarks.md,
    /// "Observing filesystem denials"), so the CLI leaves it to <c>--fs-observer on</c>; the action turns it on.
    /// </summary>
    public const bool SeccompByDefault = false;

    public static Option<FsObserverMode> Create()
    {
        Option<FsObserverMode> option = new("--fs-observer")
        {
            Description = "Record denied filesystem accesses: auto (Landlock's audit records when nono may read them), on (also the seccomp observer), off",
            DefaultValueFactory = _ => FsObserverMode.Auto,
        };
        option.AcceptOnlyFromAmong("auto", "on", "off");
        return option;
    }
}
