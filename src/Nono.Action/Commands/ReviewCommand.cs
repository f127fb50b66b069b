using System.CommandLine;
using System.Globalization;
using System.Runtime.Versioning;
using Nono.Action.Cli;
using Nono.Action.GitHub.Api;
using Nono.Action.Review;
using Nono.Core.Audit;
using Nono.Core.Diagnostics;

namespace Nono.Action.Commands;

/// <summary>
/// <c>nono review --repo OWNER/NAME (--run ID | --pr N) [--artifact NAME] (--public-key-file F | --certificate-identity ID
/// --certificate-oidc-issuer URL [--trusted-root F]) [--apply DIR]</c>: downloads a session artifact through the GitHub API,
/// unpacks it safely, verifies the audit chain, Merkle root, ledger, signature and the run it claims to come from, prints
/// the report and the diff from verified data only, and with <c>--apply</c> rolls the agent's changes back in a checkout.
/// </summary>
internal static partial class ReviewCommand
{
    public static Command Create(CliContext context)
    {
        Option<string> repo = new("--repo") { Description = "OWNER/NAME of the repository", Required = true };
        Option<long?> run = new("--run") { Description = "Workflow run id" };
        Option<int?> pr = new("--pr") { Description = "Pull request number: the latest workflow runs of its head commit" };
        Option<string?> artifact = new("--artifact") { Description = "Artifact name (default: the one named nono-session-*)" };
        Option<string?> key = new("--public-key-file") { Description = "PEM public key a keyed session must be signed with" };
        Option<string?> apply = new("--apply") { Description = "Roll the session's file changes back in this checkout (refused unless it holds exactly what the session left)" };
        Option<string?> workflow = new("--workflow") { Description = "Keyless: the workflow file that must have signed, e.g. .github/workflows/agent.yml (with --ref; stands for --certificate-identity)" };
        Option<string?> gitRef = new("--ref") { Description = "Keyless: the git ref the workflow ran on, e.g. refs/heads/main" };
        Option<string?> apiUrl = new("--api-url") { Description = "GitHub REST API base URL (default: $GITHUB_API_URL or https://api.github.com)" };
        KeylessVerifyOptions keyless = new();
        Command command = new("review", "Download, verify and show an agent session artifact from GitHub Actions; optionally roll its changes back")
        {
            repo, run, pr, artifact, key, apply, workflow, gitRef, apiUrl,
        };
        keyless.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!OperatingSystem.IsLinux())
            {
                return RunCommand.NotLinux(context);
            }

            ReviewTarget target = Target(parse.GetRequiredValue(repo), parse.GetValue(run), parse.GetValue(pr), parse.GetValue(artifact));
            string? keyFile = parse.GetValue(key);
            string? derived = WorkflowIdentity(target, parse.GetValue(workflow), parse.GetValue(gitRef));
            if (keyFile is null && parse.GetValue(keyless.Identity) is null && derived is null)
            {
                throw new NonoException(NonoErrorCode.InvalidPolicy, "give --public-key-file, or --certificate-identity and --certificate-oidc-issuer (or --workflow and --ref): a review verifies who signed the session");
            }

            string? keyPem = keyFile is null ? null : await ReadKeyAsync(context, keyFile, cancellationToken);
            AuditVerifyOptions options = await keyless.ResolveAsync(parse, context, new AuditVerifyOptions { PublicKeyPem = keyPem }, derived, cancellationToken);
            if (options.CertificateIdentity is { } identity && !identity.StartsWith($"https://github.com/{target.FullName}/", StringComparison.OrdinalIgnoreCase))
            {
                throw new NonoException(NonoErrorCode.InvalidPolicy, $"--certificate-identity '{identity}' is not a workflow of {target.FullName}");
            }

            string? checkout = parse.GetValue(apply) is { } dir ? Path.GetFullPath(dir, context.CurrentDirectory) : null;
            if (checkout is not null && !Directory.Exists(checkout))
            {
                throw new NonoException(NonoErrorCode.InvalidPolicy, $"--apply: no directory {checkout}");
            }

            Uri api = new((parse.GetValue(apiUrl) ?? context.GetEnv("GITHUB_API_URL") ?? "https://api.github.com").TrimEnd('/') + "/");
            string? token = context.GetEnv("GITHUB_TOKEN") is { Length: > 0 } t ? t : context.GetEnv("GH_TOKEN") is { Length: > 0 } g ? g : null;
            return await ReviewAsync(context, target, api, token, options, checkout, cancellationToken);
        });
        return command;
    }

    [SupportedOSPlatform("linux")]
    private static async Task<int> ReviewAsync(CliContext context, ReviewTarget target, Uri api, string? token, AuditVerifyOptions options, string? checkout, CancellationToken cancellationToken)
    {
        ArtifactLocator locator = new(GitHubClientFactory.Create(api, token));
        FoundArtifact found = await locator.FindAsync(target, cancellationToken);
        context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"artifact  {Nono.Reports.Terminal.TerminalText.Line(found.Name)} (id {found.Id}, run {found.RunId}, {found.SizeInBytes} bytes)"));
        string work = Path.Combine(Path.GetTempPath(), "nono-review-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)));
        Directory.CreateDirectory(work, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            string zip = Path.Combine(work, "artifact.zip");
            await locator.DownloadAsync(target, found, zip, cancellationToken);
            string unpacked = Path.Combine(work, "artifact");
            await ArtifactExtractor.ExtractAsync(zip, unpacked, new ExtractionLimits(), cancellationToken);
            return await ShowAsync(context, target, found, unpacked, options, checkout, cancellationToken);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static ReviewTarget Target(string repo, long? run, int? pr, string? artifact)
    {
        string[] parts = repo.Split('/');
        if (parts.Length != 2 || parts.Any(p => p.Length == 0 || !p.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') || p is "." or ".."))
        {
            throw new NonoException(NonoErrorCode.InvalidPolicy, $"--repo '{repo}' is not OWNER/NAME");
        }

        if ((run is null) == (pr is null) || run <= 0 || pr <= 0)
        {
            throw new NonoException(NonoErrorCode.InvalidPolicy, "give exactly one of --run ID or --pr N (positive)");
        }

        return new ReviewTarget { Owner = parts[0], Repository = parts[1], RunId = run, PullRequest = pr, ArtifactName = artifact };
    }

    /// <summary>GitHub's certificate identity for a workflow run: https://github.com/OWNER/REPO/WORKFLOW_PATH@REF.</summary>
    private static string? WorkflowIdentity(ReviewTarget target, string? workflow, string? gitRef)
    {
        if (workflow is null && gitRef is null)
        {
            return null;
        }

        if (workflow is null || gitRef is null || !RelativePath.IsPlain(workflow) || !workflow.StartsWith(".github/workflows/", StringComparison.Ordinal) || !gitRef.StartsWith("refs/", StringComparison.Ordinal))
        {
            throw new NonoException(NonoErrorCode.InvalidPolicy, "--workflow .github/workflows/FILE and --ref refs/... go together");
        }

        return $"https://github.com/{target.FullName}/{workflow}@{gitRef}";
    }

    private static async Task<string> ReadKeyAsync(CliContext context, string keyFile, CancellationToken cancellationToken)
    {
        string path = Path.GetFullPath(keyFile, context.CurrentDirectory);
        return File.Exists(path)
            ? await File.ReadAllTextAsync(path, cancellationToken)
            : throw new NonoException(NonoErrorCode.InvalidPolicy, $"public key file not found: {keyFile}", path);
    }
}
