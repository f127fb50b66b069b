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

        IReadOnlyList<AuditViolation> violations = ViolationRules.Evaluate(new AuditStore(temp.Path).ReadEvents(session.SessionId));

        Assert.Equal([ViolationRules.NetworkDenied, ViolationRules.FilesystemDenied, ViolationRules.ProtectedPathChanged], violations.Select(v => v.RuleId).ToArray());
        Assert.Equal("evil.example:443", violations[0].Subject);
        Assert.Equal(ViolationSeverity.High, violations[2].Severity);
        Assert.Equal(5, violations[2].Seq);
        Assert.Equal(session.ViolationCount, violations.Count);
    }
}
