using System.CommandLine;
using Nono.Action.Cli;
using Nono.Core.Diagnostics;
using Nono.Core.Trust.Sigstore;

namespace Nono.Action.Commands;

/// <summary>
/// <c>nono sigstore verify-bundle --bundle FILE (--certificate-identity ID --certificate-oidc-issuer URL | --key PEM) [--trusted-root FILE] FILE_OR_DIGEST</c>
/// (the Sigstore conformance client shape). Without --trusted-root: $NONO_SIGSTORE_TRUSTED_ROOT, else a
/// TUF refresh (see <see cref="SigstoreTrustedRootLocator"/>).
/// </summary>
internal static class SigstoreVerifyBundleCommand
{
    public static Command Create(CliContext context)
    {
        Option<string> bundle = new("--bundle") { Description = "The Sigstore bundle (JSON)", Required = true };
        Option<string?> identity = new("--certificate-identity") { Description = "Expected certificate identity (SAN)" };
        Option<string?> issuer = new("--certificate-oidc-issuer") { Description = "Expected OIDC issuer" };
        Option<string?> key = new("--key") { Description = "PEM public key file for managed-key bundles" };
        Option<string?> trustedRoot = new("--trusted-root") { Description = "Trusted root JSON (default: $NONO_SIGSTORE_TRUSTED_ROOT, else refreshed over TUF from $NONO_TUF_URL or Sigstore public-good)" };
        Argument<string> artifact = new("FILE_OR_DIGEST") { Description = "The artifact, or sha256:<64 hex>" };
        Command command = new("verify-bundle", "Verify a Sigstore bundle against an artifact") { bundle, identity, issuer, key, trustedRoot, artifact };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string Resolve(string path) => Path.GetFullPath(path, context.CurrentDirectory);
            string? keyFile = parse.GetValue(key);
            string? id = parse.GetValue(identity);
            string? oidc = parse.GetValue(issuer);
            if ((keyFile is null) == (id is null && oidc is null) || (keyFile is null && (id is null || oidc is null)))
            {
                throw new NonoException(NonoErrorCode.InvalidPolicy, "give either --key, or both --certificate-identity and --certificate-oidc-issuer");
            }

            TrustedRoot root = await SigstoreTrustedRootLocator.LoadAsync(context, parse.GetValue(trustedRoot), cancellationToken);

            string target = parse.GetRequiredValue(artifact);
            BundleArtifact subject = target.StartsWith("sha256:", StringComparison.Ordinal) && !File.Exists(Resolve(target))
                ? BundleArtifact.FromDigest(target)
                : File.Exists(Resolve(target)) ? BundleArtifact.FromFile(Resolve(target)) : throw new NonoException(NonoErrorCode.InvalidPolicy, $"artifact not found: {target}");

            string bundlePath = Resolve(parse.GetRequiredValue(bundle));
            if (!File.Exists(bundlePath))
            {
                throw new NonoException(NonoErrorCode.InvalidPolicy, $"bundle not found: {bundlePath}", bundlePath);
            }

            BundleVerificationPolicy policy = new()
            {
                CertificateIdentity = id,
                CertificateOidcIssuer = oidc,
                PublicKeyPem = keyFile is null ? null : File.ReadAllText(Resolve(keyFile)),
            };
            BundleVerificationResult result = SigstoreBundleVerifier.Verify(File.ReadAllBytes(bundlePath), subject, policy, root);
            if (!result.Verified)
            {
                context.Error.WriteLine($"nono: bundle verification failed: {result.Failure}");
                return ExitCodes.NonoError;
            }

            context.Output.WriteLine("OK");
            return ExitCodes.Success;
        });
        return command;
    }
}
