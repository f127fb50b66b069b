namespace Nono.Core.Sandbox;

/// <summary>What the planner may use: the probed kernel support and the user's explicit weaker-mode opt-ins.</summary>
public sealed record EnforcementOptions
{
    /// <summary>The probed (possibly ABI-capped) kernel support.</summary>
    public required SandboxSupport Support { get; init; }

    /// <summary>Weaker modes the user explicitly opted into; anything else unenforceable is a problem.</summary>
    public IReadOnlySet<WeakerMode> AllowedWeakerModes { get; init; } = new HashSet<WeakerMode>();
}
