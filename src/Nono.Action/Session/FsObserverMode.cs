namespace Nono.Action.Session;

/// <summary>The <c>--fs-observer</c> choice: which filesystem-denial observers a run starts.</summary>
internal enum FsObserverMode
{
    /// <summary>Landlock's audit records when nono may read them; the seccomp observer in action mode.</summary>
    Auto,

    /// <summary>As <see cref="Auto"/>, and the seccomp observer always.</summary>
    On,

    /// <summary>No observer; the record says so.</summary>
    Off,
}
