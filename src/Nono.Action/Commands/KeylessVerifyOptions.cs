using System.CommandLine;
using Nono.Action.Cli;
using Nono.Core.Audit;
using Nono.Core.Diagnostics;

namespace Nono.Action.Commands;

/// <summary>
/// <c>--certificate-identity ID --certificate-oidc-issuer URL [--trusted-root FILE]</c>, shared by
/// <c>nono audit verify</c> and <c>nono review</c>: who must have signed a keyless attestation, and the
/// Sigstore trusted root its certificate must chain to (default: see <see cref="SigstoreTrustedRootLocator"/>).
/// </summary>
internal sealed class KeylessVerifyOptions
{
    public const string GitHubActionsIssuer = "https://token.actions.githubusercontent.com";

    public Option<string?> Identity { get; } = new("--certificate-identity")
    {
        Description = "Expected certificate identity of a keyless signature, e.g. https://github.com/OWNER/REPO/.github/workflows/WF.yml@refs/heads/main",
    };

    public Option<string?> Issuer { get; } = new("--certificate-oidc-issuer") { Description = $"Expected OIDC issuer of a keyless signature (GitHub Actions: {GitHubActionsIssuer})" };

    public Option<string?> TrustedRoot { get; } = new("--trusted-root")
    {
        Description = "Sigstore trusted root JSON (default: $NONO_SIGSTORE_TRUSTED_ROOT, else refreshed over TUF from $NONO_TUF_URL or Sigstore public-good)",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Identity);
        command.Options.Add(Issuer);
        command.Options.Add(TrustedRoot);
    }

    /// <summary>Adds the keyless expectation to <paramref name="options"/>; loads the trusted root only when an identity is expected.</summary>
    public Task<AuditVerifyOptions> ResolveAsync(ParseResult parse, CliContext context, AuditVerifyOptions options, CancellationToken cancellationToken) =>
        ResolveAsync(parse, context, options, null, cancellationToken);

    /// <summary>As above; <paramref name="derivedIdentity"/> stands in for --certificate-identity (issuer then defaults to GitHub Actions').</summary>
    public async Task<AuditVerifyOptions> ResolveAsync(ParseResult parse, CliContext context, AuditVerifyOptions options, string? derivedIdentity, CancellationToken cancellationToken)
    {
        string? identity = parse.GetValue(Identity);
        string? issuer = parse.GetValue(Issuer);
        if (derivedIdentity is not null)
        {
            identity = identity is null ? derivedIdentity : throw new NonoException(NonoErrorCode.InvalidPolicy, "give either --certificate-identity or --workflow/--ref, not both");
            issuer ??= GitHubActionsIssuer;
        }

        if (identity is null && issuer is null)
        {
            return options;
        }

        if (identity is null || issuer is null)
        {
            throw new NonoException(NonoErrorCode.InvalidPolicy, "give both --certificate-identity and --certificate-oidc-issuer");
        }

        if (options.PublicKeyPem is not null)
        {
            throw new NonoException(NonoErrorCode.InvalidPolicy, "give either --public-key-file or --certificate-identity/--certificate-oidc-issuer, not both");
        }

        return options with
        {
            CertificateIdentity = identity,
            CertificateOidcIssuer = issuer,
            TrustedRoot = await SigstoreTrustedRootLocator.LoadAsync(context, parse.GetValue(TrustedRoot), cancellationToken),
        };
    }
}
