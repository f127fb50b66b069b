using Nono.Reports.Model;

namespace Nono.Reports.Tests;

/// <summary>Fixed report models for approval tests, including hostile untrusted text.</summary>
internal static class SampleReports
{
    public static SessionReport Clean() => new()
    {
        SessionId = "20261126-101500-4f2a",
        Command = "claude -p 'fix the failing test'",
        Profile = "ci",
        EnforcementTier = "landlock-v7+seccomp",
        LandlockAbi = 7,
        ExitCode = 0,
        Duration = TimeSpan.FromSeconds(42.25),
        SnapshotsEnabled = true,
        Changes = [new FileChangeSummary("src/app.py", FileChangeKind.Modified, 12, "@@ -1 +1 @@\n-print('a')\n+print('b')\n")],
        Network = [new NetworkHostSummary("api.anthropic.com", 14, 0)],
        Signature = new SignatureSummary("keyless", "https://github.com/o/r/.github/workflows/agent.yml@refs/heads/main", "audit-attestation.bundle", "nono review --repo o/r --run 1"),
        ArtifactName = "nono-session-agent",
    };

    public static SessionReport Hostile() => Clean() with
    {
        ExitCode = 3,
        WeakerModes = ["proxy-without-netns"],
        Violations =
        [
            new ReportViolation("nono.network.denied", Severity.Error, "evil.example|com", "host not in allow-list; @admin <script>alert(1)</script>"),
            new ReportViolation("nono.fs.protected-path", Severity.Warning, ".github/workflows/ci.yml", "modified a protected path", ".github/workflows/ci.yml", 3),
        ],
        Network = [new NetworkHostSummary("evil.example|com", 0, 2), new NetworkHostSummary("api.anthropic.com", 14, 0)],
        Changes = [new FileChangeSummary("weird\nname`` ```.txt", FileChangeKind.Created, 5, "```\n+ escaped fence\n")],
        Notes = ["The checkout token was hidden from the sandbox for this step."],
    };
}
