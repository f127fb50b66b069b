using System.Security.Cryptography;
using Nono.Testing;

namespace Nono.Action.Tests.ActionMode;

/// <summary>
/// <c>credentials: anthropic=CLAUDE_KEY</c>: the secret under the mapped name never reaches the sandbox; the proxy
/// gets it under the service's variable; a second, different value under the service's own name is refused.
/// </summary>
public sealed class ActionCredentialMappingTests
{
    private const string Profile = """{ "extends": "ci", "network": { "resolve": ["api.anthropic.com=127.0.0.1"] } }""";

    [Fact]
    public async Task MappedSecret_StaysOutOfTheSandbox()
    {
        using ActionStep runner = new(TestUser.Current);
        string secret = "sk-ant-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        runner.JobEnvironment["CLAUDE_KEY"] = secret;
        File.WriteAllText(Path.Combine(runner.Workspace, "profile.json"), Profile);

        (ProcessResult step, ProcessResult gate, _) = await runner.RunAsync(new()
        {
            ["run"] = "env > seen-env.txt; tr '\\0' '\\n' < /proc/self/environ > seen-environ.txt",
            ["profile"] = "profile.json",
            ["mode"] = "audit",
            ["credentials"] = "anthropic=CLAUDE_KEY",
        });

        Assert.True(step.ExitCode == 0, step.ToString());
        Assert.Equal(0, gate.ExitCode);
        string seen = File.ReadAllText(Path.Combine(runner.Workspace, "seen-env.txt"));
        Assert.DoesNotContain(secret, seen, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, File.ReadAllText(Path.Combine(runner.Workspace, "seen-environ.txt")), StringComparison.Ordinal);
        Assert.DoesNotContain("CLAUDE_KEY=", seen, StringComparison.Ordinal);
        Assert.Contains("ANTHROPIC_API_KEY=", seen, StringComparison.Ordinal); // the phantom the proxy swaps for the real one
        Assert.Contains(runner.Commands, c => c.Name == "add-mask" && c.Data == secret);
    }

    [Fact]
    public async Task MappedSecret_AndADifferentServiceVariable_AreRefused()
    {
        using ActionStep runner = new(TestUser.Current);
        runner.JobEnvironment["CLAUDE_KEY"] = "sk-ant-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        runner.JobEnvironment["ANTHROPIC_API_KEY"] = "sk-ant-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        File.WriteAllText(Path.Combine(runner.Workspace, "profile.json"), Profile);

        (ProcessResult step, ProcessResult gate, Dictionary<string, string> outputs) = await runner.RunAsync(new()
        {
            ["run"] = "touch ran",
            ["profile"] = "profile.json",
            ["mode"] = "audit",
            ["credentials"] = "anthropic=CLAUDE_KEY",
        });

        Assert.Equal(1, step.ExitCode);
        Assert.Equal(1, gate.ExitCode);
        Assert.Equal("1", outputs["step-exit"]);
        Assert.Contains(runner.Commands, c => c.Name == "error" && c.Data.Contains("ANTHROPIC_API_KEY is also set", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(runner.Workspace, "ran")));
    }
}
