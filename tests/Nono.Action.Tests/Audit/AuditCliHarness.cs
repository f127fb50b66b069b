using Nono.Action.Cli;
using Nono.Core.Audit;
using Nono.Core.Audit.Events;

namespace Nono.Action.Tests.Audit;

/// <summary>Runs the CLI in-process against a private XDG_STATE_HOME and records sessions into it.</summary>
internal sealed class AuditCliHarness(string stateHome)
{
    public string AuditRoot => AuditFormat.AuditRoot(stateHome);

    public Dictionary<string, string> Environment => new() { ["XDG_STATE_HOME"] = stateHome, ["HOME"] = stateHome };

    public (int Exit, string Out, string Err) Run(params string[] args)
    {
        StringWriter output = new();
        StringWriter error = new();
        int exit = NonoCli.Run(args, new CliContext(output, error, Environment, stateHome));
        return (exit, output.ToString(), error.ToString());
    }

    public async Task<SessionMetadata> RecordAsync(string id, CancellationToken ct, RunnerIdentity? runner = null)
    {
        await using AuditSession session = await AuditSession.CreateAsync(AuditRoot, new SessionStart { SessionId = id, Command = ["agent", "--token", "[REDACTED]"], Runner = runner }, cancellationToken: ct);
        await session.AppendAsync(new NetworkEvent { Host = "api.github.com", Port = 443, Method = "GET", Path = "/user", Decision = NetworkDecision.Allowed, Status = 200 }, ct);
        await session.AppendAsync(new NetworkEvent { Host = "exfil.example", Port = 443, Decision = NetworkDecision.Denied, Reason = "host not allowed" }, ct);
        await session.AppendAsync(new FilesystemDeniedEvent { Path = "/etc/shadow", Access = "read" }, ct);
        return await session.CompleteAsync(new SessionEnd { ExitCode = 3 }, ct);
    }
}
