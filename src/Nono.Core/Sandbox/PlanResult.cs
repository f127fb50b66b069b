namespace Nono.Core.Sandbox;

/// <summary>Either an enforceable plan or every problem that prevents one.</summary>
public sealed record PlanResult
{
    /// <summary>The plan, when <see cref="Problems"/> is empty.</summary>
    public SandboxPlan? Plan { get; init; }

    /// <summary>Every reason the policy cannot be enforced as asked, one line each.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>True when there is a plan and no problem.</summary>
    public bool Succeeded => Plan is not null && Problems.Count == 0;
}
