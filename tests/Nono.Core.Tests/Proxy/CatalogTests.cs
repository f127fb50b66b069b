using Nono.Core.Proxy;

namespace Nono.Core.Tests.Proxy;

public sealed class CatalogTests
{
    [Fact]
    public void NetworkProfiles_EveryProfile_IsAValidAllowList()
    {
        foreach (string name in NetworkProfiles.Names)
        {
            IReadOnlyList<string> hosts = NetworkProfiles.Find(name) ?? throw new InvalidOperationException(name);

            Assert.NotEmpty(hosts);
            Assert.Empty(ProxyOptionsValidator.Validate(new ProxyOptions { AllowedHosts = hosts }));
        }

        Assert.Null(NetworkProfiles.Find("everything"));
        Assert.Contains("api.anthropic.com", NetworkProfiles.Find("minimal")!);
        Assert.Contains("registry.npmjs.org", NetworkProfiles.Find("developer")!);
        Assert.DoesNotContain("registry.npmjs.org", NetworkProfiles.Find("minimal")!);
    }

    [Theory]
    [InlineData("openai", "OPENAI_API_KEY", "OPENAI_BASE_URL")]
    [InlineData("anthropic", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL")]
    [InlineData("gemini", "GEMINI_API_KEY", "GOOGLE_GEMINI_BASE_URL")]
    [InlineData("github", "GITHUB_TOKEN", "GITHUB_API_URL")]
    [InlineData("gitlab", "GITLAB_TOKEN", "GITLAB_API_URL")]
    public void BuiltinServices_AreValidHttpsRoutesWithTheToolsVariables(string name, string envVar, string baseUrlVar)
    {
        CredentialService svc = BuiltinServices.Find(name) ?? throw new InvalidOperationException(name);

        Assert.Equal(Uri.UriSchemeHttps, svc.Upstream.Scheme);
        Assert.Equal(envVar, svc.EnvVar);
        Assert.Equal(baseUrlVar, svc.EffectiveBaseUrlEnvVar);
        Assert.Empty(ProxyOptionsValidator.Validate(new ProxyOptions { Services = [svc] }));
    }

    [Theory]
    [InlineData("api.test.example=127.0.0.1", "api.test.example", "127.0.0.1")]
    [InlineData("API.Test.Example.=10.1.2.3", "api.test.example", "10.1.2.3")]
    [InlineData("postgres=[::1]", "postgres", "::1")]
    public void ResolverOverride_TryParse_ValidMapping(string text, string host, string address)
    {
        ResolverOverride? parsed = ResolverOverride.TryParse(text, out string? error);

        Assert.Null(error);
        Assert.Equal(host, parsed!.Host);
        Assert.Equal(address, parsed.Address.ToString());
    }

    [Theory]
    [InlineData("api.test.example")]
    [InlineData("=127.0.0.1")]
    [InlineData("api.test.example=")]
    [InlineData("api.test.example=localhost")]
    [InlineData("api.test.example=0x7f.1")]
    [InlineData("api.test.example=127.1")]
    [InlineData("127.0.0.1=127.0.0.1")]
    [InlineData("0x7f.1=127.0.0.1")]
    [InlineData("a@b=127.0.0.1")]
    public void ResolverOverride_TryParse_Malformed_ReturnsOneLineError(string text)
    {
        ResolverOverride? parsed = ResolverOverride.TryParse(text, out string? error);

        Assert.Null(parsed);
        Assert.StartsWith("resolver override", error, StringComparison.Ordinal);
    }
}
