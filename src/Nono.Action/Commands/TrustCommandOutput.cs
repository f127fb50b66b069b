using Nono.Action.Cli;
using Nono.Core.Policy;
using Nono.Core.Trust.Instructions;

namespace Nono.Action.Commands;

/// <summary>Shared pieces of the <c>nono trust</c> commands: policy resolution and result lines.</summary>
internal static class TrustCommandOutput
{
    public static string Text(TrustEnforcement enforcement) => enforcement switch
    {
        TrustEnforcement.Deny => "deny",
        TrustEnforcement.Warn => "warn",
        _ => "audit",
    };

    /// <summary>Resolves the policy (see <see cref="TrustPolicyLocator"/>); prints every problem and returns null on any.</summary>
    public static async Task<TrustPolicyResolution?> ResolveAsync(CliContext context, bool requirePolicy, CancellationToken cancellationToken)
    {
        TrustPolicyResolution resolution = await TrustPolicyLocator.ResolveAsync(context.CurrentDirectory, context.Environment, cancellationToken);
        foreach (PolicyProblem problem in resolution.Problems)
        {
            context.Error.WriteLine($"nono: {problem}");
        }

        if (resolution.Problems.Count > 0)
        {
            return null;
        }

        if (resolution.Policy is null && requirePolicy)
        {
            context.Error.WriteLine($"nono: no trust policy: run 'nono trust init' or set {TrustPolicyLocator.PolicyVariable}");
            return null;
        }

        if (resolution.Source == TrustPolicySource.WorkspaceUnpinned)
        {
            context.Error.WriteLine($"nono: warning: using the workspace {TrustPolicy.FileName} unpinned ({TrustPolicyLocator.AllowUnpinnedVariable}=1)");
        }

        return resolution;
    }

    /// <summary>A trusted root only when the policy has keyless publishers (keyed ones need none, and no network).</summary>
    public static async Task<Nono.Core.Trust.Sigstore.TrustedRoot?> TrustedRootAsync(CliContext context, TrustPolicy policy, string? explicitPath, CancellationToken cancellationToken) =>
        policy.Publishers.Any(p => !p.IsKeyed) || SigstoreTrustedRootLocator.ExplicitPath(context, explicitPath) is not null
            ? await SigstoreTrustedRootLocator.LoadAsync(context, explicitPath, cancellationToken)
            : null;

    public static void WriteVerdict(CliContext context, TrustVerdict verdict)
    {
        foreach (TrustedFile file in verdict.Trusted)
        {
            context.Output.WriteLine($"ok    {file.Path} (publisher {file.Publisher})");
        }

        foreach (TrustFinding finding in verdict.Findings)
        {
            context.Output.WriteLine($"FAIL  {finding}");
        }
    }
}
