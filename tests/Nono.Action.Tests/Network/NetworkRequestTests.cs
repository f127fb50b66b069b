using Nono.Action.Network;
using Nono.Core.Policy;
using Nono.Core.Proxy;

namespace Nono.Action.Tests.Network;

public sealed class NetworkRequestTests
{
    private static readonly Dictionary<string, string> s_env = new() { ["MY_KEY"] = "x" };

    [Fact]
    public void FromSection_MapsEveryProxyField()
    {
        NetworkSection section = new()
        {
            AllowDomain = ["api.test", "*.example.com"],
            NetworkProfile = "github",
            Credentials = ["openai"],
            CustomCredentials = new Dictionary<string, CustomCredential>
            {
                ["internal"] = new() { Upstream = "https://internal.example.com/api", CredentialKey = "MY_KEY", InjectMode = Core.Policy.InjectMode.QueryParam, EnvVar = "INTERNAL_TOKEN" },
            },
            Resolve = ["api.test=127.0.0.1"],
        };
        List<string> problems = [];

        NetworkRequest request = NetworkRequest.FromSection(section);
        ProxyOptions? options = request.ToProxyOptions(s_env, problems);

        Assert.Empty(problems);
        Assert.True(request.WantsProxy);
        Assert.NotNull(options);
        Assert.Contains("api.test", options.AllowedHosts);
        Assert.Contains("*.example.com", options.AllowedHosts);
        Assert.Contains("api.github.com", options.AllowedHosts);
        Assert.Equal("127.0.0.1", Assert.Single(options.ResolverOverrides).Address.ToString());
        Assert.Contains(options.Services, s => s.Name == "openai");
        CredentialService custom = Assert.Single(options.Services, s => s.Name == "internal");
        Assert.Equal("env://MY_KEY", custom.CredentialKey);
        Assert.Equal(Core.Proxy.InjectMode.QueryParam, custom.InjectMode);
        Assert.Equal("INTERNAL_TOKEN", custom.EnvVar);
        Assert.Same(s_env, options.SupervisorEnvironment);
    }

    [Fact]
    public void ToProxyOptions_BadEntries_ReportsEveryProblem()
    {
        NetworkRequest request = new()
        {
            NetworkProfile = "nope",
            Credentials = ["not-a-service"],
            Resolve = ["no-equals", "host=not-an-ip"],
            UpstreamProxy = "::bad",
        };
        List<string> problems = [];

        ProxyOptions? options = request.ToProxyOptions(s_env, problems);

        Assert.Null(options);
        Assert.Equal(5, problems.Count);
        Assert.Contains(problems, p => p.Contains("unknown network profile 'nope'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("unknown credential 'not-a-service'", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_BlockWithProxy_Conflicts()
    {
        List<string> problems = [];

        new NetworkRequest { Block = true, AllowDomains = ["api.test"] }.Validate(problems);
        new NetworkRequest { Resolve = ["a.test=127.0.0.1"] }.Validate(problems);

        Assert.Equal(2, problems.Count);
        Assert.Contains("--block-net conflicts with proxy mode", problems[0]);
        Assert.Contains("need proxy mode", problems[1]);
    }

    [Fact]
    public void Merge_FlagsAddToTheProfile()
    {
        NetworkRequest profile = NetworkRequest.FromSection(new NetworkSection { AllowDomain = ["a.test"], NetworkProfile = "minimal" });

        NetworkRequest merged = profile.Merge(new NetworkRequest { AllowDomains = ["b.test", "A.TEST"], NetworkProfile = "github" });

        Assert.Equal(["a.test", "b.test"], merged.AllowDomains);
        Assert.Equal("github", merged.NetworkProfile);
    }

    [Fact]
    public void AllowTokenMinting_LiftsTheBuiltinDenies_OnlyForTheNamedRoute_AndUnknownNamesAreProblems()
    {
        NetworkSection section = new() { Credentials = ["github", "gitlab"], AllowTokenMinting = ["gitlab"] };
        List<string> problems = [];

        ProxyOptions? options = NetworkRequest.FromSection(section).ToProxyOptions(s_env, problems);

        Assert.Empty(problems);
        Assert.NotNull(options);
        Assert.Contains(Assert.Single(options.Services, s => s.Name == "github").DeniedEndpoints, r => r.PathGlob == "/app/installations/*/access_tokens");
        Assert.Empty(Assert.Single(options.Services, s => s.Name == "gitlab").DeniedEndpoints);
        Assert.Contains("setEnterpriseIdentityProvider", Assert.Single(options.Services, s => s.Name == "github").DeniedGraphQlMutations);
        ProxyOptions? githubAllowed = NetworkRequest.FromSection(section with { AllowTokenMinting = ["github"] }).ToProxyOptions(s_env, problems);
        Assert.Empty(Assert.Single(githubAllowed!.Services, s => s.Name == "github").DeniedGraphQlMutations); // no problems: checked above
        Assert.Empty(Assert.Single(githubAllowed.Services, s => s.Name == "github").DeniedEndpoints);

        List<string> bad = [];
        Assert.Null((NetworkRequest.FromSection(section with { AllowTokenMinting = ["openai"] }) with { Credentials = ["openai"] }).ToProxyOptions(s_env, bad));
        Assert.Equal("network.allow_token_minting: 'openai' is not a built-in credential route with token-minting endpoints (github, gitlab)", Assert.Single(bad));
    }
}
