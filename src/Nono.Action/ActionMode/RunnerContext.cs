using Nono.Core.Diagnostics;

namespace Nono.Action.ActionMode;

/// <summary>What the GitHub Actions runner tells a step through its environment.</summary>
internal sealed record RunnerContext
{
    public required string Workspace { get; init; }

    public required string RunnerTemp { get; init; }

    public string? OutputFile { get; init; }

    public string? SummaryFile { get; init; }

    public string? Repository { get; init; }

    public string? Sha { get; init; }

    public string? Ref { get; init; }

    public string? RunId { get; init; }

    public string? Job { get; init; }

    public string? Workflow { get; init; }

    public string? EventName { get; init; }

    public string? EventPath { get; init; }

    public Uri ApiUrl { get; init; } = new("https://api.github.com/");

    /// <summary>True when the job was granted <c>id-token: write</c> (keyless signing is possible).</summary>
    public bool IdTokenAvailable { get; init; }

    public static RunnerContext FromEnvironment(IReadOnlyDictionary<string, string> env)
    {
        string Require(string name) => env.TryGetValue(name, out string? v) && Path.IsPathFullyQualified(v)
            ? v
            : throw new NonoException(NonoErrorCode.InvalidPolicy, $"{name} is not set to an absolute path: 'nono action' runs inside a GitHub Actions step");
        string? Get(string name) => env.TryGetValue(name, out string? v) && v.Length > 0 ? v : null;
        string api = Get("GITHUB_API_URL") ?? "https://api.github.com";
        return new RunnerContext
        {
            Workspace = Require("GITHUB_WORKSPACE"),
            RunnerTemp = Require("RUNNER_TEMP"),
            OutputFile = Get("GITHUB_OUTPUT"),
            SummaryFile = Get("GITHUB_STEP_SUMMARY"),
            Repository = Get("GITHUB_REPOSITORY"),
            Sha = Get("GITHUB_SHA"),
            Ref = Get("GITHUB_REF"),
            RunId = Get("GITHUB_RUN_ID"),
            Job = Get("GITHUB_JOB"),
            Workflow = Get("GITHUB_WORKFLOW"),
            EventName = Get("GITHUB_EVENT_NAME"),
            EventPath = Get("GITHUB_EVENT_PATH"),
            ApiUrl = new Uri(api.EndsWith('/') ? api : api + "/"),
            IdTokenAvailable = Get("ACTIONS_ID_TOKEN_REQUEST_URL") is not null && Get("ACTIONS_ID_TOKEN_REQUEST_TOKEN") is not null,
        };
    }

    /// <summary>A stable key for this job, used to find the job's own PR comment.</summary>
    public string JobKey => $"{Workflow ?? "workflow"}/{Job ?? "job"}";

    /// <summary>The pull request number from the event payload, when the event is a pull request.</summary>
    public int? PullRequestNumber()
    {
        if (EventPath is null || !File.Exists(EventPath) || EventName is not ("pull_request" or "pull_request_target"))
        {
            return null;
        }

        using System.Text.Json.JsonDocument doc = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(EventPath));
        return doc.RootElement.TryGetProperty("pull_request", out System.Text.Json.JsonElement pr) && pr.TryGetProperty("number", out System.Text.Json.JsonElement n)
            ? n.GetInt32()
            : null;
    }
}
