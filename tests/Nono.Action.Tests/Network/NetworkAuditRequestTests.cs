using Nono.Action.Network;
using Nono.Core.Proxy;

namespace Nono.Action.Tests.Network;

/// <summary>Recording mode (<c>--network-audit</c>, the action's audit mode) as a network request.</summary>
public sealed class NetworkAuditRequestTests
{
    private static readonly Dictionary<string, string> s_env = new(StringComparer.Ordinal);

    [Fact]
    public void Merge_AuditFlagOverAProfileThatBlocks_IsProxyModeAllowingEveryHost()
    {
        NetworkRequest merged = new NetworkRequest { Block = true }.Merge(new NetworkRequest { RecordAll = true });
        List<string> problems = [];

        merged.Validate(problems);
        ProxyOptions? options = merged.ToProxyOptions(s_env, problems);

        Assert.Empty(problems);
        Assert.False(merged.Block);
        Assert.True(merged.WantsProxy);
        Assert.True(options?.AllowAllHosts);
    }

    [Fact]
    public void Validate_AuditWithExplicitBlock_Conflicts()
    {
        List<string> problems = [];

        new NetworkRequest().Merge(new NetworkRequest { Block = true, RecordAll = true }).Validate(problems);

        Assert.Contains("--block-net conflicts with proxy mode", Assert.Single(problems), StringComparison.Ordinal);
    }

    [Fact]
    public void ToProxyOptions_EnforceMode_DoesNotAllowEveryHost()
    {
        List<string> problems = [];

        ProxyOptions? options = new NetworkRequest { AllowDomains = ["api.test"] }.ToProxyOptions(s_env, problems);

        Assert.False(options?.AllowAllHosts ?? true);
    }
}
