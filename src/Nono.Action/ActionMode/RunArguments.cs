namespace Nono.Action.ActionMode;

/// <summary>
/// Translates the action's inputs into a <c>nono run</c> command line, so the action and the CLI share one
/// enforcement path: what the action does is exactly what a user can reproduce locally.
/// </summary>
internal static class RunArguments
{
    public static IReadOnlyList<string> For(ActionInputs inputs, RunnerContext runner, string sessionId, string? signKey)
    {
        // The seccomp observer is on in the action: its per-call cost is small next to an agent's run, and a hosted runner
        // is not root, so Landlock's own audit records are out of reach there (docs/architecture.md, "Observing denials").
        // --action-guards: the whole process tree must be gone when the command ends (pidns or cgroup), because the git control
        // files of every checkout under the writable grants are checked and put back after it.
        List<string> args = ["run", "-s", "--session-id", sessionId, "--workdir", runner.Workspace, "-p", ProfileArgument(inputs.Profile, runner), "--fs-observer", "on", "--action-guards"];
        foreach (string path in inputs.Allow)
        {
            args.AddRange(["--allow", Path.Combine(runner.Workspace, path)]);
        }

        foreach (string path in inputs.Read)
        {
            args.AddRange(["--read", Path.Combine(runner.Workspace, path)]);
        }

        foreach (string path in inputs.Write)
        {
            args.AddRange(["--write", Path.Combine(runner.Workspace, path)]);
        }

        if (inputs.Mode == ActionRunMode.Audit)
        {
            // Observe: every host is reachable, but only through the proxy (same tier as enforce), which records each.
            args.Add("--network-audit");
        }
        else if (inputs.NetworkBlocked)
        {
            args.Add("--block-net");
        }
        else
        {
            foreach (string domain in inputs.AllowedDomains)
            {
                args.AddRange(["--allow-domain", domain]);
            }

            if (inputs.NetworkProfile is not null)
            {
                args.AddRange(["--network-profile", inputs.NetworkProfile]);
            }
        }

        foreach (CredentialMapping credential in inputs.Credentials)
        {
            args.AddRange(["--proxy-credential", credential.Service]);
        }

        foreach (string mode in inputs.AllowWeaker)
        {
            args.AddRange(["--allow-weaker", mode]);
        }

        if (inputs.Snapshot)
        {
            args.Add("--rollback");
        }

        if (signKey is not null)
        {
            args.AddRange(["--audit-sign-key", signKey]);
        }

        args.AddRange(["--", "bash", "-e", "-c", inputs.Run]);
        return args;
    }

    /// <summary>A profile given as a relative path is relative to the workspace; a name stays a name.</summary>
    private static string ProfileArgument(string profile, RunnerContext runner) =>
        profile.Contains('/', StringComparison.Ordinal) || profile.EndsWith(".json", StringComparison.Ordinal)
            ? Path.Combine(runner.Workspace, profile)
            : profile;
}
