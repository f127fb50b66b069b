using System.ComponentModel;

namespace Nono.Core.Policy;

/// <summary>Security settings of a profile.</summary>
public sealed record SecuritySection
{
    /// <summary>Names of policy groups to include (see <c>nono profile groups</c>).</summary>
    [Description("Policy groups to include, e.g. system_read_linux, node_runtime. deny_credentials is always on.")]
    public IReadOnlyList<string> Groups { get; init => field = value ?? []; } = [];
}
