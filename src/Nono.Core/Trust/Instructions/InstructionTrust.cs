using System.Security.Cryptography;
using Microsoft.Extensions.FileSystemGlobbing;

namespace Nono.Core.Trust.Instructions;

/// <summary>
/// Checks the instruction files an agent would read (AGENTS.md, CLAUDE.md, skills, …) against a
/// trust policy: each covered file must carry a <c>FILE.bundle</c> that verifies over its current
/// content and was signed by a publisher of the policy, and its digest must not be blocklisted.
/// <c>nono run</c> calls <see cref="VerifyAsync"/> before starting the child and refuses to start
/// when <see cref="TrustVerdict.Allowed"/> is false.
/// </summary>
public static partial class InstructionTrust
{
    /// <summary>Files under <paramref name="workdir"/> the policy covers, relative ('/' separated), in ordinal order.</summary>
    public static IReadOnlyList<string> CoveredFiles(string workdir, TrustPolicy policy)
    {
        ArgumentException.ThrowIfNullOrEmpty(workdir);
        ArgumentNullException.ThrowIfNull(policy);
        Matcher matcher = new(StringComparison.Ordinal);
        matcher.AddIncludePatterns(policy.Include);
        matcher.AddExcludePatterns(policy.Exclude);
        PatternMatchingResult result = matcher.Execute(new NoLinkDirectory(new DirectoryInfo(workdir)));
        return [.. result.Files.Select(f => f.Path.Replace('\\', '/'))
            .Where(p => !p.EndsWith(InstructionSigner.BundleSuffix, StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>Verifies every file the policy covers under <paramref name="workdir"/>.</summary>
    public static Task<TrustVerdict> VerifyAsync(string workdir, TrustPolicy policy, InstructionTrustOptions? options = null, CancellationToken cancellationToken = default) =>
        VerifyFilesAsync(workdir, CoveredFiles(workdir, policy), policy, options, cancellationToken);

    /// <summary>Verifies the given files (relative to <paramref name="workdir"/> or absolute), whether or not the policy covers them.</summary>
    public static async Task<TrustVerdict> VerifyFilesAsync(string workdir, IEnumerable<string> files, TrustPolicy policy, InstructionTrustOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(workdir);
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(policy);
        options ??= new InstructionTrustOptions();
        List<TrustedFile> trusted = [];
        List<TrustFinding> findings = [];
        foreach (string file in files)
        {
            string full = Path.GetFullPath(file, workdir);
            string relative = Path.GetRelativePath(workdir, full).Replace('\\', '/');
            (TrustedFile? ok, TrustFinding? finding) = await VerifyFileAsync(full, relative, policy, options, cancellationToken);
            if (ok is not null)
            {
                trusted.Add(ok);
            }
            else
            {
                findings.Add(finding!);
            }
        }

        return new TrustVerdict(policy.Enforcement, trusted, [.. findings.OrderBy(f => f.Path, StringComparer.Ordinal)]);
    }

    private static async Task<(TrustedFile?, TrustFinding?)> VerifyFileAsync(string full, string relative, TrustPolicy policy, InstructionTrustOptions options, CancellationToken cancellationToken)
    {
        byte[] content = await File.ReadAllBytesAsync(full, cancellationToken);
        byte[] digest = SHA256.HashData(content);
        string digestText = "sha256:" + Convert.ToHexStringLower(digest);
        if (policy.Blocklist.Contains(digestText, StringComparer.OrdinalIgnoreCase))
        {
            return (null, new TrustFinding(relative, TrustFindingReason.Blocklisted, $"{digestText} is on the policy's blocklist"));
        }

        string bundlePath = full + InstructionSigner.BundleSuffix;
        if (!File.Exists(bundlePath))
        {
            return (null, new TrustFinding(relative, TrustFindingReason.NotSigned, $"no {Path.GetFileName(bundlePath)} beside it"));
        }

        byte[] bundleJson = await File.ReadAllBytesAsync(bundlePath, cancellationToken);
        BundleCheck check = CheckBundle(bundleJson, digest, policy, options);
        return check.Publisher is { } publisher
            ? (new TrustedFile(relative, digestText, publisher), null)
            : (null, new TrustFinding(relative, check.Reason, check.Detail));
    }
}
