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
}
