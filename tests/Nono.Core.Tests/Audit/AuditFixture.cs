using Nono.Core.Audit;
using Nono.Core.Audit.Events;

namespace Nono.Core.Tests.Audit;

/// <summary>Records real sessions on disk for the audit tests.</summary>
internal static class AuditFixture
{
    public static readonly DateTimeOffset Start = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    /// <summary>A completed session with 8 events, 3 of them violations.</summary>
    public static async Task<SessionMetadata> RecordAsync(string auditRoot, string? sessionId = null, ManualTimeProvider? time = null, CancellationToken ct = default)
    {
        time ??= new ManualTimeProvider(Start);
        await using AuditSession session = await AuditSession.CreateAsync(
            auditRoot,
            new SessionStart
            {
                SessionId = sessionId,
                Command = ["claude", "-p", "fix the tests"],
                PolicyDigest = "sha256:" + new string('a', 64),
                EnforcementTier = "landlock+seccomp",
                LandlockAbi = 6,
                Kernel = "6.8.0",
            },
            time,
            ct);
        time.Advance(TimeSpan.FromSeconds(1));
        await session.AppendAsync(new ProcessStartedEvent { Pid = 42, Executable = "/usr/bin/claude" }, ct);
        await session.AppendAsync(new NetworkEvent { Host = "api.anthropic.com", Port = 443, Method = "POST", Path = "/v1/messages", Decision = NetworkDecision.Allowed, Status = 200 }, ct);
        await session.AppendAsync(new NetworkEvent { Host = "evil.example", Port = 443, Decision = NetworkDecision.Denied, Reason = "not in allow list" }, ct);
        await session.AppendAsync(new FilesystemDeniedEvent { Path = "/root/.ssh/id_ed25519", Access = "read", Pid = 42 }, ct);
        await session.AppendAsync(new FileChangedEvent { Path = ".github/workflows/ci.yml", Change = FileChangeKind.Modified, Protected = true }, ct);
        await session.AppendAsync(new ProcessExitedEvent { Pid = 42, ExitCode = 0 }, ct);
        time.Advance(TimeSpan.FromSeconds(2));
        return await session.CompleteAsync(new SessionEnd { ExitCode = 0 }, ct);
    }
}
