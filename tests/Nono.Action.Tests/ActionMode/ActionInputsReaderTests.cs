using Nono.Action.ActionMode;

namespace Nono.Action.Tests.ActionMode;

public sealed class ActionInputsReaderTests
{
    private static (ActionInputs? Inputs, IReadOnlyList<InputError> Errors) Read(params (string Key, string Value)[] env) =>
        ActionInputsReader.Read(ActionInputsReader.Configuration(env.ToDictionary(e => e.Key, e => e.Value)));

    [Fact]
    public void Read_OnlyRun_GivesSafeDefaults()
    {
        (ActionInputs? inputs, IReadOnlyList<InputError> errors) = Read(("INPUT_RUN", "make test"));

        Assert.Empty(errors);
        Assert.NotNull(inputs);
        Assert.Equal("ci", inputs.Profile);
        Assert.True(inputs.NetworkBlocked);
        Assert.True(inputs.Snapshot);
        Assert.Equal(FailOn.Error, inputs.FailOn);
        Assert.Equal(ActionRunMode.Enforce, inputs.Mode);
        Assert.False(inputs.PullRequestComment);
    }

    [Fact]
    public void Read_ListsAndCredentials_AreParsed()
    {
        (ActionInputs? inputs, _) = Read(
            ("INPUT_RUN", "agent"),
            ("INPUT_ALLOW", "src\nbuild, out"),
            ("INPUT_NETWORK", "api.anthropic.com\n*.githubusercontent.com"),
            ("INPUT_CREDENTIALS", "anthropic=ANTHROPIC_API_KEY\n github = GH_PAT "),
            ("INPUT_FAIL-ON", "warning"));

        Assert.NotNull(inputs);
        Assert.Equal(["src", "build", "out"], inputs.Allow);
        Assert.Equal(["api.anthropic.com", "*.githubusercontent.com"], inputs.AllowedDomains);
        Assert.False(inputs.NetworkBlocked);
        Assert.Equal([new CredentialMapping("anthropic", "ANTHROPIC_API_KEY"), new CredentialMapping("github", "GH_PAT")], inputs.Credentials);
        Assert.Equal(FailOn.Warning, inputs.FailOn);
    }

    [Fact]
    public void Read_SeveralBadInputs_ReportsEveryOneByName()
    {
        (ActionInputs? inputs, IReadOnlyList<InputError> errors) = Read(
            ("INPUT_RUN", " "),
            ("INPUT_ALLOW", "../outside"),
            ("INPUT_READ", "/etc"),
            ("INPUT_NETWORK", "evil.com/path"),
            ("INPUT_CREDENTIALS", "anthropic"),
            ("INPUT_FAIL_ON", "sometimes"),
            ("INPUT_SNAPSHOT", "yes"),
            ("INPUT_ARTIFACT_NAME", "a/b"));

        Assert.Null(inputs);
        Assert.Equal(
            ["allow", "artifact-name", "credentials", "fail-on", "network", "read", "run", "snapshot"],
            errors.Select(e => e.Input).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Read_NetworkEntriesWithPorts_AreKeptAndBadPortsNamed()
    {
        (ActionInputs? inputs, IReadOnlyList<InputError> okErrors) = Read(
            ("INPUT_RUN", "agent"),
            ("INPUT_NETWORK", "api.example.com:8443\n*.example.org:22, [2001:db8::1]:8080"));
        (ActionInputs? refused, IReadOnlyList<InputError> errors) = Read(
            ("INPUT_RUN", "agent"),
            ("INPUT_NETWORK", "api.example.com:0\nok.example.com:443\n*.example.org:65536"));

        Assert.Empty(okErrors);
        Assert.Equal(["api.example.com:8443", "*.example.org:22", "[2001:db8::1]:8080"], inputs!.AllowedDomains);
        Assert.Null(refused);
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.Equal("network", e.Input));
        Assert.Contains("'api.example.com:0': port '0' is not a number from 1 to 65535", errors[0].Problem, StringComparison.Ordinal);
        Assert.Contains("'*.example.org:65536'", errors[1].Problem, StringComparison.Ordinal);
    }
}
