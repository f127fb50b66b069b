using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Nono.Core.Policy;

/// <summary>
/// A sandbox profile as written on disk (JSON with comments and trailing commas, snake_case keys,
/// compatible with the Rust nono's profile format where the two overlap). Paths are unexpanded.
/// </summary>
/// <remarks>
/// Collection and section properties coalesce null to empty in their init accessors: System.Text.Json's source
/// generator passes null for init-only properties absent from the JSON, which would otherwise drop the defaults.
/// </remarks>
public sealed record Profile
{
    /// <summary>Base profiles, applied in order before this one. In JSON a string or a list of strings.</summary>
    [Description("Base profile name(s) or path(s); a string or a list. Lists union, scalars child-wins, denies always accumulate.")]
    [JsonConverter(typeof(ExtendsConverter))]
    public IReadOnlyList<string> Extends { get; init => field = value ?? []; } = [];

    /// <summary>Name and description.</summary>
    [Description("Profile name and description.")]
    public ProfileMeta Meta { get; init => field = value ?? new(); } = new();

    /// <summary>Policy groups to include.</summary>
    [Description("Security settings: the policy groups to include.")]
    public SecuritySection Security { get; init => field = value ?? new(); } = new();

    /// <summary>Filesystem grants and denies.</summary>
    [Description("Filesystem grants and denies. Paths may start with ~ or a $VARIABLE.")]
    public FilesystemSection Filesystem { get; init => field = value ?? new(); } = new();

    /// <summary>Network policy (enforced by the sandbox and the egress proxy).</summary>
    [Description("Network policy: block, allowed domains, credential injection.")]
    public NetworkSection Network { get; init => field = value ?? new(); } = new();

    /// <summary>Environment variables let through the sanitizer or set.</summary>
    [Description("Environment variables let back through the sanitizer, or set.")]
    public EnvironmentSection Environment { get; init => field = value ?? new(); } = new();

    /// <summary>Workspace snapshot and rollback settings.</summary>
    [Description("Workspace snapshot and rollback settings.")]
    public RollbackSection Rollback { get; init => field = value ?? new(); } = new();

    /// <summary>Access to the working directory.</summary>
    [Description("Access granted to the working directory.")]
    public WorkdirSection Workdir { get; init => field = value ?? new(); } = new();
}
