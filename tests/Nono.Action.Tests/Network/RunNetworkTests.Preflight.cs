using Nono.Action.Tests.Sandbox;
using Nono.Testing;

namespace Nono.Action.Tests.Network;

/// <summary>
/// Proxy configuration errors stop <c>nono run</c> before the fork (the netns tier starts the proxy after it) and are
/// reported by <c>--dry-run</c>: one <c>nono:</c> line per problem, naming it, exit 1, and the command never runs.
/// </summary>
public sealed partial class RunNetworkTests
{
    public static TheoryData<TestUser, bool> UsersAndDryRun => new()
    {
        { TestUser.Current, false },
        { TestUser.Current, true },
        { TestUser.Nobody, false },
        { TestUser.Nobody, true },
    };

    [Theory]
    [MemberData(nameof(UsersAndDryRun))]
    public async Task Run_ProxyConfigurationErrors_AreAllReportedBeforeTheCommandStarts(TestUser user, bool dryRun)
    {
        using NonoSandbox sb = new(user);
        sb.Environment["NONO_NETWORK_TIER"] = "netns";
        string missingFile = Path.Combine(sb.Home.Path, "no-such-key");
        string profile = Path.Combine(sb.Home.Path, "bad-credential.json");
        File.WriteAllText(profile, $$"""
            { "meta": { "name": "bad-credential" },
              "network": { "custom_credentials": { "internal": { "upstream": "https://api.internal.test/v1", "credential_key": "file://{{missingFile}}" } } } }
            """);
        sb.Environment["NONO_PROFILE"] = profile;
        string marker = Path.Combine(sb.Home.Path, "ran");
        string[] options =
        [
            "--allow", sb.Home.Path, "--proxy-credential", "openai", "--proxy-credential", "internal",
            "--upstream-proxy", "https://corp-proxy.test:3128", .. dryRun ? new[] { "--dry-run" } : [],
        ];

        ProcessResult result = await sb.SandboxedAsync("run", options, "/usr/bin/touch", marker);

        Assert.Equal(1, result.ExitCode);
        Assert.False(File.Exists(marker));
        string[] lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, l => Assert.StartsWith("nono: ", l, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("upstream proxy 'https://corp-proxy.test:3128' must be http://host:port", StringComparison.Ordinal));
        Assert.DoesNotContain("credential variable", result.StandardError, StringComparison.Ordinal); // credentials are checked once the options are valid

        // With the upstream proxy fixed, the credential sources are what is wrong: both named, still before the fork.
        options = [.. options.Where(o => o is not ("--upstream-proxy" or "https://corp-proxy.test:3128"))];
        result = await sb.SandboxedAsync("run", options, "/usr/bin/touch", marker);

        Assert.Equal(1, result.ExitCode);
        Assert.False(File.Exists(marker));
        lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
            ["nono: proxy configuration: service 'openai': credential variable 'OPENAI_API_KEY' is not set in the supervisor environment",
             $"nono: proxy configuration: service 'internal': credential file '{missingFile}' cannot be read: FileNotFoundException"],
            lines);
    }

    [Theory]
    [InlineData("--resolve", "api.test=not-an-ip", "'not-an-ip' is not an IP address")]
    [InlineData("--allow-domain", "*.", "allowed host")]
    [InlineData("--allow-domain", "api.test:0", "allowed host: 'api.test:0': port '0' is not a number from 1 to 65535")]
    [InlineData("--allow-domain", "api.test:65536", "'api.test:65536': port '65536'")]
    [InlineData("--allow-domain", "*.api.test:https", "'*.api.test:https': port 'https'")]
    [InlineData("--allow-domain", "[::1]:", "'[::1]:': port ''")]
    [InlineData("--network-profile", "nope", "unknown network profile 'nope'")]
    public async Task DryRun_BadProxyOption_IsOneNamedLine(string flag, string value, string expected)
    {
        using NonoSandbox sb = new(TestUser.Current);
        sb.Environment["NONO_NETWORK_TIER"] = "netns";

        ProcessResult result = await sb.SandboxedAsync("run", ["--dry-run", "--allow-domain", "api.test", flag, value], "/bin/true");

        Assert.Equal(1, result.ExitCode);
        string line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("nono: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DryRun_CredentialSourcePresent_Passes()
    {
        using NonoSandbox sb = new(TestUser.Current);
        sb.Environment["NONO_NETWORK_TIER"] = "netns";
        sb.Environment["OPENAI_API_KEY"] = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));

        ProcessResult result = await sb.SandboxedAsync("run", ["--dry-run", "--proxy-credential", "openai"], "/bin/true");

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("network tier: netns", result.StandardOutput, StringComparison.Ordinal);
    }
}
