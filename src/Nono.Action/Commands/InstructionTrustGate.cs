using Nono.Action.Cli;
using Nono.Core.Policy;
using Nono.Core.Trust.Instructions;

namespace Nono.Action.Commands;

/// <summary>
/// Before a sandboxed command starts: every instruction file the trust policy covers (AGENTS.md, CLAUDE.md,
/// skills…) must be signed by a trusted publisher and unmodified. Under <c>deny</c> a failure refuses the run;
/// under <c>warn</c>/<c>audit</c> it is printed. No trust policy anywhere means the feature is off.
/// </summary>
internal static class InstructionTrustGate
{
    /// <summary>True when the command may start; otherwise the reasons were printed.</summary>
    public static bool Check(string workdir, IReadOnlyDictionary<string, string> environment, CliContext context)
    {
        TrustPolicyResolution resolution = TrustPolicyLocator.ResolveAsync(workdir, environment).GetAwaiter().GetResult();
        if (resolution.Problems.Count > 0)
        {
            foreach (PolicyProblem problem in resolution.Problems)
            {
                context.Error.WriteLine($"nono: trust policy: {problem}");
            }

            return false;
        }

        if (resolution.Policy is null)
        {
            return true;
        }

        TrustVerdict verdict = InstructionTrust.VerifyAsync(workdir, resolution.Policy).GetAwaiter().GetResult();
        if (verdict.Findings.Count == 0)
        {
            return true;
        }

        string summary = verdict.Summary().ReplaceLineEndings("; ");
        if (!verdict.Allowed)
        {
            context.Error.WriteLine($"nono: refusing to start: instruction files are not trusted: {summary}");
            return false;
        }

        context.Error.WriteLine($"nono: warning: instruction files are not trusted ({verdict.Enforcement.ToString().ToLowerInvariant()} mode): {summary}");
        return true;
    }
}
