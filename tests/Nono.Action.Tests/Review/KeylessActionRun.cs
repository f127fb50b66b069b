using System.IO.Compression;
using Nono.Action.Tests.ActionMode;
using Nono.Testing;
using Nono.Testing.Sigstore;

namespace Nono.Action.Tests.Review;

/// <summary>
/// One real <c>nono action</c> run on the simulated runner with <c>id-token: write</c> (sign: auto), signed keylessly
/// through the local Fulcio, Rekor and OIDC stand-ins. The agent edits app.py, adds new.txt, gen/out.txt and gen/env.txt (its environment) and deletes
/// notes.txt. Its artifact folder is zipped as actions/upload-artifact does, and two copies of the checkout are kept.
/// </summary>
public sealed class KeylessActionRun : IAsyncLifetime
{
    public const string Repository = "octo/repo";
    public const long RunId = 42;
    public const string WorkflowRef = "octo/repo/.github/workflows/agent.yml@refs/heads/main";
    private readonly TempDirectory _copies = new("nono-review-copies-");
    private SigstoreStandIn? _sigstore;
    private ActionStep? _runner;

    public static string Identity => "https://github.com/" + WorkflowRef;

    public string Issuer => Sigstore.OidcIssuer;

    public SigstoreStandIn Sigstore => _sigstore ?? throw new InvalidOperationException("not initialized");

    internal ActionStep Runner => _runner ?? throw new InvalidOperationException("not initialized");

    public ProcessResult Step { get; private set; } = null!;

    public Dictionary<string, string> Outputs { get; private set; } = [];

    public byte[] ArtifactZip { get; private set; } = [];

    public string TrustedRootFile => _copies.Combine("trusted_root.json");

    /// <summary>A copy of the checkout as the agent left it, for --apply.</summary>
    public string ApplyCheckout => _copies.Combine("apply");

    /// <summary>Another copy, which the test edits before --apply.</summary>
    public string EditedCheckout => _copies.Combine("edited");

    public string Summary => File.ReadAllText(Runner.SummaryFile);

    public async ValueTask InitializeAsync()
    {
        _sigstore = new SigstoreStandIn { JobWorkflowRef = WorkflowRef, RunId = RunId.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        _runner = new ActionStep(TestUser.Current);
        File.WriteAllText(Path.Combine(Runner.Workspace, "notes.txt"), "keep me\n");
        await ProcessRunner.RunAsync("git", ["-C", Runner.Workspace, "add", "-A"]);
        await ProcessRunner.RunAsync("git", ["-C", Runner.Workspace, "commit", "-qm", "notes"]);
        foreach ((string key, string value) in Sigstore.SigningEnvironment())
        {
            Runner.JobEnvironment[key] = value;
        }

        (ProcessResult step, _, Dictionary<string, string> outputs) = await Runner.RunAsync(new()
        {
            ["run"] = "echo \"print('b')\" >> app.py; echo hi > new.txt; mkdir gen; echo x > gen/out.txt; env > gen/env.txt; rm notes.txt",
        });
        Step = step;
        Outputs = outputs;
        using MemoryStream zip = new();
        ZipFile.CreateFromDirectory(outputs["artifact-dir"], zip);
        ArtifactZip = zip.ToArray();
        File.WriteAllText(TrustedRootFile, Sigstore.TrustedRootJson());
        foreach (string copy in new[] { ApplyCheckout, EditedCheckout })
        {
            ProcessResult cp = await ProcessRunner.RunAsync("cp", ["-a", Runner.Workspace, copy]);
            Assert.True(cp.ExitCode == 0, cp.ToString());
        }
    }

    public async ValueTask DisposeAsync()
    {
        _runner?.Dispose();
        _copies.Dispose();
        if (_sigstore is not null)
        {
            await _sigstore.DisposeAsync();
        }
    }
}
