using System.ComponentModel;

namespace Nono.Core.Policy;

/// <summary>Filesystem rules. Directory rules cover the whole tree beneath the path.</summary>
public sealed record FilesystemSection
{
    /// <summary>Directories granted read and write.</summary>
    [Description("Directories granted read and write.")]
    public IReadOnlyList<string> Allow { get; init => field = value ?? []; } = [];

    /// <summary>Directories granted read (and execute).</summary>
    [Description("Directories granted read (and execute).")]
    public IReadOnlyList<string> Read { get; init => field = value ?? []; } = [];

    /// <summary>Directories granted write only.</summary>
    [Description("Directories granted write only.")]
    public IReadOnlyList<string> Write { get; init => field = value ?? []; } = [];

    /// <summary>Single files granted read and write.</summary>
    [Description("Single files granted read and write.")]
    public IReadOnlyList<string> AllowFile { get; init => field = value ?? []; } = [];

    /// <summary>Single files granted read.</summary>
    [Description("Single files granted read.")]
    public IReadOnlyList<string> ReadFile { get; init => field = value ?? []; } = [];

    /// <summary>Single files granted write.</summary>
    [Description("Single files granted write.")]
    public IReadOnlyList<string> WriteFile { get; init => field = value ?? []; } = [];

    /// <summary>Paths that stay denied beneath any grant; a '*' or '?' is allowed in the last component.</summary>
    [Description("Paths denied even beneath a grant. Denies accumulate through extends and can never be removed. Wildcards allowed in the last component.")]
    public IReadOnlyList<string> Deny { get; init => field = value ?? []; } = [];

    /// <summary>Paths that stay readable (where a grant covers them) but never writable, even beneath a read-write grant.</summary>
    [Description("Paths readable where a grant covers them but never writable, even beneath a read-write grant (settings, hooks, the project profile). Accumulate through extends like deny. No wildcards.")]
    public IReadOnlyList<string> DenyWrite { get; init => field = value ?? []; } = [];
}
