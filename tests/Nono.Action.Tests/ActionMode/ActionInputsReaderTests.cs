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
}
