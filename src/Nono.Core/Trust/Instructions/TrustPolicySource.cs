namespace Nono.Core.Trust.Instructions;

/// <summary>Where the effective trust policy came from, and so who could have changed it.</summary>
public enum TrustPolicySource
{
    /// <summary>No policy anywhere: instruction trust is not configured.</summary>
    None,

    /// <summary>Pinned from outside the workspace with <c>NONO_TRUST_POLICY</c>.</summary>
    Pinned,

    /// <summary>The workspace's <c>trust-policy.json</c>, whose bundle verified with the key in <c>NONO_TRUST_POLICY_KEY</c>.</summary>
    WorkspaceSigned,

    /// <summary>The workspace's policy accepted unpinned by the explicit opt-in <c>NONO_TRUST_ALLOW_UNPINNED_POLICY=1</c> (weaker; reported).</summary>
    WorkspaceUnpinned,
}
