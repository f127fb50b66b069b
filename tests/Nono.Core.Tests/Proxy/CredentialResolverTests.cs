using System.Security.Cryptography;
using Nono.Core.Proxy;
using Nono.Testing;

namespace Nono.Core.Tests.Proxy;

public sealed class CredentialResolverTests
{
    private static CredentialService Svc(string name) => new()
    {
        Name = name,
        Upstream = new Uri("https://api.example.com"),
        EnvVar = name.ToUpperInvariant() + "_KEY",
    };

    [Fact]
    public async Task ResolveAsync_EnvFileAndCommand_LoadEachFromItsSourceOnly()
    {
        using TempDirectory dir = new();
        string fromEnv = RandomNumberGenerator.GetHexString(32);
        string fromFile = RandomNumberGenerator.GetHexString(32);
        string fromCommand = RandomNumberGenerator.GetHexString(32);
        string file = dir.Combine("token");
        await File.WriteAllTextAsync(file, fromFile + "\n", TestContext.Current.CancellationToken);
        ProxyOptions options = new()
        {
            Services =
            [
                Svc("a") with { CredentialKey = "env://A_SECRET" },
                Svc("b") with { CredentialKey = "file://" + file },
                Svc("c") with { CredentialCommand = ["/bin/sh", "-c", "printf '%s\\n' \"$CMD_SECRET\""] },
            ],
            SupervisorEnvironment = new Dictionary<string, string> { ["A_SECRET"] = fromEnv, ["CMD_SECRET"] = fromCommand },
        };

        (IReadOnlyList<ResolvedService> services, IReadOnlyList<string> errors) = await CredentialResolver.ResolveAsync(options, TestContext.Current.CancellationToken);

        Assert.Empty(errors);
        Assert.Equal([fromEnv, fromFile, fromCommand], services.Select(s => s.RealCredential));
        Assert.Equal(3, services.Select(s => s.PhantomToken).Distinct().Count());
        Assert.DoesNotContain(fromEnv, services[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveAsync_ProcessEnvironmentIsNeverRead()
    {
        // HOME exists in the test host's own environment but not in the dictionary handed in.
        Assert.SkipWhen(string.IsNullOrEmpty(Environment.GetEnvironmentVariable("HOME")), "HOME is not set in the test host");
        ProxyOptions options = new()
        {
            Services = [Svc("a") with { CredentialKey = "env://HOME" }, Svc("b") with { CredentialCommand = ["/bin/sh", "-c", "printf %s \"$HOME\""] }],
        };

        (IReadOnlyList<ResolvedService> services, IReadOnlyList<string> errors) = await CredentialResolver.ResolveAsync(options, TestContext.Current.CancellationToken);

        Assert.Empty(services);
        Assert.Equal(2, errors.Count);
    }

    [Fact]
    public async Task ResolveAsync_FailingCommand_ReportsExitCodeButNotOutput()
    {
        string leaked = RandomNumberGenerator.GetHexString(32);
        ProxyOptions options = new()
        {
            Services = [Svc("a") with { CredentialCommand = ["/bin/sh", "-c", $"echo {leaked}; echo {leaked} >&2; exit 3"] }],
        };

        (_, IReadOnlyList<string> errors) = await CredentialResolver.ResolveAsync(options, TestContext.Current.CancellationToken);

        string error = Assert.Single(errors);
        Assert.Contains("exited with 3", error, StringComparison.Ordinal);
        Assert.DoesNotContain(leaked, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveAsync_CredentialWithNewline_IsRejectedAgainstHeaderInjection()
    {
        ProxyOptions options = new()
        {
            Services = [Svc("a") with { CredentialKey = "env://S" }],
            SupervisorEnvironment = new Dictionary<string, string> { ["S"] = "abc\r\nX-Injected: 1" },
        };

        (IReadOnlyList<ResolvedService> services, IReadOnlyList<string> errors) = await CredentialResolver.ResolveAsync(options, TestContext.Current.CancellationToken);

        Assert.Empty(services);
        Assert.Contains("control characters", Assert.Single(errors), StringComparison.Ordinal);
    }
}
