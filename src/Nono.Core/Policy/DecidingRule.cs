namespace Nono.Core.Policy;

/// <summary>Which kind of rule decided an access question.</summary>
public enum DecidingRule
{
    /// <summary>No rule covers the path: denied by default.</summary>
    None,

    /// <summary>A grant allows it.</summary>
    Grant,

    /// <summary>A deny forbids it.</summary>
    Deny,

    /// <summary>Grants cover the path but not with the access asked for.</summary>
    InsufficientGrant,
}
