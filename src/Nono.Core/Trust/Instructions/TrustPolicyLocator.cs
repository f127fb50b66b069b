using System.Security.Cryptography;
using System.Text.Json;
using Nono.Core.Policy;
using Nono.Core.Trust.Keys;
using Nono.Core.Trust.Sigstore;

namespace Nono.Core.Trust.Instructions;

/// <summary>
/// Finds the trust policy for a workspace. The workspace is what the agent (and a pull request's
/// author) controls, so a policy inside it cannot vouch for itself. It is used only when anchored
/// outside the workspace:
/// <list type="number">
/// <item><c>NONO_TRUST_POLICY=/abs/path</c> pins a policy file outside the workspace (the
/// workspace's own <c>trust-policy.json</c> is then ignored);</item>
/// <item>else the workspace's <c>trust-policy.json</c> must carry <c>trust-policy.json.bundle</c>
/// signed by the key in <c>NONO_TRUST_POLICY_KEY=/abs/key.pub</c> (outside the workspace);</item>
/// <item>else it is used only with the explicit opt-in <c>NONO_TRUST_ALLOW_UNPINNED_POLICY=1</c>,
/// reported as <see cref="TrustPolicySource.WorkspaceUnpinned"/>;</item>
/// <item>otherwise it is a problem, and the caller refuses to start.</item>
/// </list>
/// </summary>
public static class TrustPolicyLocator
{
    /// <summary>Variable holding the absolute path of a pinned policy.</summary>
    public const string PolicyVariable = "NONO_TRUST_POLICY";

    /// <summary>Variable holding the absolute path of the PEM public key that must sign the workspace policy.</summary>
    public const string PolicyKeyVariable = "NONO_TRUST_POLICY_KEY";

    /// <summary>Variable that, set to <c>1</c>, accepts an unsigned workspace policy.</summary>
    public const string AllowUnpinnedVariable = "NONO_TRUST_ALLOW_UNPINNED_POLICY";

    /// <summary>Resolves the policy for <paramref name="workdir"/> from <paramref name="environment"/>.</summary>
    public static async Task<TrustPolicyResolution> ResolveAsync(string workdir, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(workdir);
        ArgumentNullException.ThrowIfNull(environment);
        string workspace = PolicyPath.Canonicalize(Path.GetFullPath(workdir));
        if (environment.TryGetValue(PolicyVariable, out string? pinned) && pinned.Length > 0)
        {
            string? outside = OutsideWorkspace(pinned, workspace, PolicyVariable, out PolicyProblem? problem);
            if (outside is null)
            {
                return new TrustPolicyResolution(null, TrustPolicySource.Pinned, pinned, [problem!]);
            }

            TrustPolicyReadResult read = await TrustPolicyReader.LoadAsync(outside, cancellationToken);
            return new TrustPolicyResolution(read.Policy, TrustPolicySource.Pinned, outside, read.Problems);
        }

        string local = Path.Combine(workspace, TrustPolicy.FileName);
        if (!File.Exists(local))
        {
            return new TrustPolicyResolution(null, TrustPolicySource.None, null, []);
        }

        byte[] json = await File.ReadAllBytesAsync(local, cancellationToken);
        TrustPolicySource source;
        if (environment.TryGetValue(PolicyKeyVariable, out string? keyPath) && keyPath.Length > 0)
        {
            string? outside = OutsideWorkspace(keyPath, workspace, PolicyKeyVariable, out PolicyProblem? problem);
            if (outside is null)
            {
                return new TrustPolicyResolution(null, TrustPolicySource.WorkspaceSigned, local, [problem!]);
            }

            if (VerifyPolicySignature(json, local + InstructionSigner.BundleSuffix, await File.ReadAllTextAsync(outside, cancellationToken)) is { } failure)
            {
                return new TrustPolicyResolution(null, TrustPolicySource.WorkspaceSigned, local, [new PolicyProblem(local, "", failure)]);
            }

            source = TrustPolicySource.WorkspaceSigned;
        }
        else if (environment.TryGetValue(AllowUnpinnedVariable, out string? allow) && allow == "1")
        {
            source = TrustPolicySource.WorkspaceUnpinned;
        }
        else
        {
            return new TrustPolicyResolution(null, TrustPolicySource.WorkspaceUnpinned, local, [new PolicyProblem(local, "",
                $"the workspace trust policy is not anchored outside the workspace: set {PolicyVariable} to a policy outside it, {PolicyKeyVariable} to the public key that signed {TrustPolicy.FileName}{InstructionSigner.BundleSuffix}, or {AllowUnpinnedVariable}=1 to accept it unpinned")]);
        }

        TrustPolicyReadResult result = TrustPolicyReader.Parse(json, local);
        return new TrustPolicyResolution(result.Policy, source, local, result.Problems);
    }

    private static string? OutsideWorkspace(string path, string workspace, string variable, out PolicyProblem? problem)
    {
        problem = null;
        if (!Path.IsPathRooted(path))
        {
            problem = new PolicyProblem(variable, "", $"{variable} must be an absolute path, got '{path}'");
            return null;
        }

        string canonical = PolicyPath.Canonicalize(path);
        if (PolicyPath.IsWithin(canonical, workspace))
        {
            problem = new PolicyProblem(variable, "", $"{variable} points inside the workspace ({canonical}), which the agent controls");
            return null;
        }

        if (!File.Exists(canonical))
        {
            problem = new PolicyProblem(variable, "", $"{variable} file not found: {canonical}");
            return null;
        }

        return canonical;
    }

    private static string? VerifyPolicySignature(byte[] policyJson, string bundlePath, string publicKeyPem)
    {
        if (!File.Exists(bundlePath))
        {
            return $"{TrustPolicy.FileName} is not signed: no {Path.GetFileName(bundlePath)} ({PolicyKeyVariable} requires it)";
        }

        SigstoreBundle? bundle;
        try
        {
            bundle = JsonSerializer.Deserialize(File.ReadAllBytes(bundlePath), SigstoreJsonContext.Default.SigstoreBundle);
        }
        catch (JsonException)
        {
            return $"{Path.GetFileName(bundlePath)} is not valid JSON";
        }

        byte[] digest = SHA256.HashData(policyJson);
        if (bundle?.MessageSignature is not { Signature.Length: > 0 } message || message.MessageDigest?.Digest is not { } signed)
        {
            return $"{Path.GetFileName(bundlePath)} carries no message signature";
        }

        if (!CryptographicOperations.FixedTimeEquals(signed, digest))
        {
            return $"{TrustPolicy.FileName} was modified after it was signed";
        }

        using VerificationKey key = VerificationKey.FromPem(publicKeyPem);
        return key.VerifyDigest(digest, message.Signature, HashAlgorithmName.SHA256)
            ? null
            : $"{TrustPolicy.FileName} is not signed by the key in {PolicyKeyVariable}";
    }
}
