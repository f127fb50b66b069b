using Nono.Core.Capabilities;
using Nono.Core.Policy;

namespace Nono.Core.Tests.Policy;

public sealed class PolicyDigestTests
{
    /// <summary>A policy using every member the digest covers, each list out of order and with non-ASCII and escaped text.</summary>
    private static ResolvedPolicy Full() => new()
    {
        ProfileName = "p",
        Chain = ["p"],
        Groups = [],
        Profile = new Profile(),
        Capabilities = new CapabilitySet
        {
            Grants =
            [
                new FsGrant("/z", FsAccess.Read, false, "s"),
                new FsGrant("/a/\u00e9", FsAccess.ReadWrite, true, "s"),
                new FsGrant("/a", FsAccess.Write, false, "s"),
                new FsGrant("/a", FsAccess.Read, true, "s"),
            ],
            Denies = [new FsDeny("/home/u/.ssh", "d"), new FsDeny("/home/u/.aws", "d")],
            Network = NetworkMode.Proxy,
            ProxyPort = 3128,
            AllowUnixSockets = true,
        },
        DenyPatterns = [new FsDeny("/home/u/*.pem", "d"), new FsDeny("/home/u/.env*", "d")],
        Workdir = "/w \"q\"",
        WorkdirAccess = WorkdirAccess.ReadWrite,
        Environment = new EnvironmentSection { AllowVars = ["PATH", "HOME"], Set = new Dictionary<string, string> { ["B"] = "2", ["A"] = "<1>" } },
        Network = new NetworkSection
        {
            AllowDomain = ["b.example", "a.example"],
            Credentials = ["github"],
            Resolve = ["x=127.0.0.1"],
            NetworkProfile = "dev",
            CustomCredentials = new Dictionary<string, CustomCredential>
            {
                ["z"] = new CustomCredential { Upstream = "https://z", InjectMode = InjectMode.UrlPath, EnvVar = "Z" },
                ["a"] = new CustomCredential { CredentialKey = "k", InjectHeader = "Authorization", CredentialFormat = "Bearer {}" },
            },
        },
        Rollback = new RollbackSection { Enabled = true, ExcludePatterns = ["node_modules", "target"], ExcludeGlobs = ["*.log"] },
        ProtectedPaths = ["/w/.git", "/w/.env"],
        Digest = "",
    };

    [Fact]
    public void Compute_IsStableAcrossVersions()
    {
        // The value the first implementation gave: the digest is recorded in audit logs and compared across runs.
        Assert.Equal("babdc929a0624f053d5c0abf74d9862734096aa5f2bcadc8caebb28e82c66a41", PolicyDigest.Compute(Full()));
    }

    [Fact]
    public void Compute_IgnoresOrderAndNamesButNotContent()
    {
        ResolvedPolicy full = Full();
        ResolvedPolicy reordered = full with
        {
            ProfileName = "other",
            Capabilities = full.Capabilities with { Grants = [.. full.Capabilities.Grants.Reverse()], Denies = [.. full.Capabilities.Denies.Reverse()] },
            Network = full.Network with { AllowDomain = [.. full.Network.AllowDomain.Reverse()] },
        };
        ResolvedPolicy widened = full with { Capabilities = full.Capabilities with { Denies = [full.Capabilities.Denies[0]] } };

        Assert.Equal(PolicyDigest.Compute(full), PolicyDigest.Compute(reordered));
        Assert.NotEqual(PolicyDigest.Compute(full), PolicyDigest.Compute(widened));
    }
}
