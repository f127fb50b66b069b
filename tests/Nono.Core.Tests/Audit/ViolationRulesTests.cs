using Nono.Core.Audit;
using Nono.Testing;

namespace Nono.Core.Tests.Audit;

public sealed class ViolationRulesTests
{
    [Fact]
    public async Task Evaluate_RecordedSession_FindsEachKindWithEvidence()
    {
        using TempDirectory temp = new();
        SessionMetadata session = await AuditFixture.RecordAsync(temp.Path, ct: TestContext.Current.CancellationToken);

        IReadOnlyList<AuditViolation> violations = ViolationRules.Evaluate(await new AuditStore(temp.Path).ReadEventsAsync(session.SessionId, TestContext.Current.CancellationToken));

        Assert.Equal([ViolationRules.NetworkDenied, ViolationRules.FilesystemDenied, ViolationRules.ProtectedPathChanged], violations.Select(v => v.RuleId).ToArray());
        Assert.Equal("evil.example:443", violations[0].Subject);
        Assert.Equal(ViolationSeverity.High, violations[2].Severity);
        Assert.Equal(5, violations[2].Seq);
        Assert.Equal(session.ViolationCount, violations.Count);
    }

    [Fact]
    public void Evaluate_PolicyWeakenedAndAllowedTraffic_OnlyWeakeningIsAViolation()
    {
        AuditViolation? weakened = ViolationRules.Evaluate(7, new Nono.Core.Audit.Events.PolicyWeakenedEvent { Setting = "enforcement", From = "landlock", To = "none", Reason = "--allow-unsandboxed" });
        AuditViolation? allowed = ViolationRules.Evaluate(8, new Nono.Core.Audit.Events.NetworkEvent { Host = "api.github.com", Port = 443, Decision = Nono.Core.Audit.Events.NetworkDecision.Allowed });
        AuditViolation? unprotectedChange = ViolationRules.Evaluate(9, new Nono.Core.Audit.Events.FileChangedEvent { Path = "src/a.cs", Change = Nono.Core.Audit.Events.FileChangeKind.Modified });

        Assert.NotNull(weakened);
        Assert.Equal(ViolationRules.PolicyWeakened, weakened.RuleId);
        Assert.Equal(ViolationSeverity.High, weakened.Severity);
        Assert.Equal("enforcement weakened from landlock to none (--allow-unsandboxed)", weakened.Evidence);
        Assert.Null(allowed);
        Assert.Null(unprotectedChange);
    }

    [Fact]
    public void Evaluate_DnsTrapUnavailableStatus_IsNotAViolation_ADeniedLookupIs()
    {
        AuditViolation? status = ViolationRules.Evaluate(3, new Nono.Core.Audit.Events.DnsTrapUnavailableEvent { Reason = "route: ENODEV (errno 19)" });
        AuditViolation? lookup = ViolationRules.Evaluate(4, new Nono.Core.Audit.Events.NetworkEvent { Host = "evil.example", Port = 53, Method = "DNS", Decision = Nono.Core.Audit.Events.NetworkDecision.Denied, Reason = "dns-refused" });

        Assert.Null(status);
        Assert.NotNull(lookup);
        Assert.Equal(ViolationRules.NetworkDenied, lookup.RuleId);
    }

    /// <summary>The seccomp observer reads paths from the sandboxed process's memory: its denials are shown as claims; landlock-audit's are not.</summary>
    [Fact]
    public void Evaluate_SeccompObserverDenial_IsAnUnverifiedClaim_LandlockAuditIsNot()
    {
        Nono.Core.Audit.Events.FilesystemDeniedEvent denial = new() { Path = "/etc/shadow", Access = "read", Pid = 5 };
        Nono.Core.Audit.Events.EventsSuppressedEvent repeats = new()
        {
            Kind = "filesystem_denied", Repeated = 5, Cap = 10,
            Repeats = [new() { Subject = "/a", Access = "read", Mechanism = "seccomp-observer", Count = 3 }, new() { Subject = "/b", Access = "write", Mechanism = "landlock-audit", Count = 2 }],
        };

        AuditViolation? seccomp = ViolationRules.Evaluate(1, denial with { Mechanism = "seccomp-observer" });
        AuditViolation? landlock = ViolationRules.Evaluate(2, denial with { Mechanism = "landlock-audit" });
        AuditViolation? folded = ViolationRules.Evaluate(3, repeats);

        Assert.Equal("unverified claim: read /etc/shadow denied (pid 5) [seen by seccomp-observer]", seccomp?.Evidence);
        Assert.Equal("read /etc/shadow denied (pid 5) [seen by landlock-audit]", landlock?.Evidence);
        Assert.Equal("5 repeat(s) of recorded filesystem_denied event(s) counted, not written; 3x unverified claim: read /a; 2x write /b", folded?.Evidence);
        Assert.Equal((true, false), (seccomp!.UnverifiedClaim, landlock!.UnverifiedClaim));
    }
}
