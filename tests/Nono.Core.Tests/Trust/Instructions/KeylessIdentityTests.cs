using Nono.Core.Trust.Instructions;

namespace Nono.Core.Tests.Trust.Instructions;

public sealed class KeylessIdentityTests
{
    private static readonly TrustPublisher s_publisher = new()
    {
        Name = "ci",
        Issuer = "https://token.actions.githubusercontent.com",
        Repository = "acme/app",
        Workflow = ".github/workflows/sign.yml",
        RefPattern = "refs/tags/v*",
    };

    [Theory]
    [InlineData("https://github.com/acme/app/.github/workflows/sign.yml@refs/tags/v1.2", true)]
    [InlineData("https://github.com/acme/app/.github/workflows/sign.yml@refs/heads/main", false)]
    [InlineData("https://github.com/acme/app-evil/.github/workflows/sign.yml@refs/tags/v1", false)]
    [InlineData("https://github.com/acme/app/.github/workflows/other.yml@refs/tags/v1", false)]
    [InlineData("https://github.com/evil/acme/app/.github/workflows/sign.yml@refs/tags/v1", false)]
    public void Matches_GitHubSan_OnlyForRepositoryWorkflowAndRef(string san, bool expected) =>
        Assert.Equal(expected, KeylessIdentity.Matches(s_publisher, san));

    [Theory]
    [InlineData("refs/heads/*", "refs/heads/main", true)]
    [InlineData("refs/heads/main", "refs/heads/main2", false)]
    [InlineData("*", "", true)]
    [InlineData("a*b*c", "aXXbYYc", true)]
    [InlineData("a*b*c", "aXXbYY", false)]
    public void Wildcard_Patterns_MatchWholeText(string pattern, string text, bool expected) =>
        Assert.Equal(expected, KeylessIdentity.Wildcard(pattern, text));
}
