using Nono.Core.Policy;

namespace Nono.Core.Tests.Policy;

public sealed class PathExpanderTests
{
    private static readonly PolicyContext s_context = new("/home/u", "/work/repo", 1001, new Dictionary<string, string>
    {
        ["GITHUB_WORKSPACE"] = "/home/runner/work/r/r",
        ["RUNNER_TEMP"] = "/home/runner/work/_temp",
        ["RUNNER_TOOL_CACHE"] = "/opt/hostedtoolcache",
        ["XDG_CACHE_HOME"] = "/cache",
        ["XDG_CONFIG_HOME"] = "relative/ignored",
        ["TMPDIR"] = "/tmp/private-1",
    });

    [Theory]
    [InlineData("~", "/home/u")]
    [InlineData("~/.config", "/home/u/.config")]
    [InlineData("$HOME/x", "/home/u/x")]
    [InlineData("${HOME}/x", "/home/u/x")]
    [InlineData("$WORKDIR", "/work/repo")]
    [InlineData("$TMPDIR/a", "/tmp/private-1/a")]
    [InlineData("/run/$UID", "/run/1001")]
    [InlineData("$XDG_CONFIG_HOME/nono", "/home/u/.config/nono")]
    [InlineData("$XDG_DATA_HOME", "/home/u/.local/share")]
    [InlineData("$XDG_STATE_HOME", "/home/u/.local/state")]
    [InlineData("$XDG_CACHE_HOME/pip", "/cache/pip")]
    [InlineData("$XDG_RUNTIME_DIR", "/run/user/1001")]
    [InlineData("$GITHUB_WORKSPACE", "/home/runner/work/r/r")]
    [InlineData("$RUNNER_TEMP/*.sh", "/home/runner/work/_temp/*.sh")]
    [InlineData("$RUNNER_TOOL_CACHE", "/opt/hostedtoolcache")]
    [InlineData("/plain/path", "/plain/path")]
    public void TryExpand_KnownForms_Expand(string raw, string expected)
    {
        bool ok = PathExpander.TryExpand(raw, s_context, out string expanded, out string error);

        Assert.True(ok, error);
        Assert.Equal(expected, expanded);
    }

    [Theory]
    [InlineData("", "path is empty")]
    [InlineData("   ", "path is empty")]
    [InlineData("~root/x", "not '~user'")]
    [InlineData("$FOO/x", "unknown variable $FOO")]
    [InlineData("$", "must be followed by a variable name")]
    [InlineData("${HOME", "must be followed by a variable name")]
    [InlineData("relative/x", "not an absolute path")]
    public void TryExpand_BadForms_FailWithReason(string raw, string reason)
    {
        bool ok = PathExpander.TryExpand(raw, s_context, out _, out string error);

        Assert.False(ok);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryExpand_UnsetRunnerVariable_FailsInsteadOfExpandingToEmpty()
    {
        PolicyContext bare = s_context with { Environment = new Dictionary<string, string>() };

        bool ok = PathExpander.TryExpand("$GITHUB_WORKSPACE", bare, out string expanded, out string error);

        Assert.False(ok);
        Assert.Equal("", expanded);
        Assert.Contains("$GITHUB_WORKSPACE is not set", error, StringComparison.Ordinal);
    }
}
