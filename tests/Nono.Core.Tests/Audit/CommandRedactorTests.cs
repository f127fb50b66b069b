using System.Security.Cryptography;
using Nono.Core.Audit;

namespace Nono.Core.Tests.Audit;

public sealed class CommandRedactorTests
{
    [Fact]
    public void Redact_SecretsInValuesFlagsAndAssignments_AreMasked()
    {
        string secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

        IReadOnlyList<string> redacted = CommandRedactor.Redact(
            ["curl", "-H", $"Authorization: Bearer {secret}", "--token", "abc123", "--api-key=xyz789", "GH_TOKEN=ghp_zzz", "https://example.org/x"],
            [secret]);

        Assert.Equal(
            ["curl", "-H", "Authorization: Bearer [REDACTED]", "--token", "[REDACTED]", "--api-key=[REDACTED]", "GH_TOKEN=[REDACTED]", "https://example.org/x"],
            redacted.ToArray());
        Assert.DoesNotContain(redacted, a => a.Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public void Redact_OrdinaryCommand_IsUnchanged()
    {
        string[] argv = ["dotnet", "test", "--filter", "Name=Foo", "-c", "Release"];

        Assert.Equal(argv, CommandRedactor.Redact(argv).ToArray());
    }
}
