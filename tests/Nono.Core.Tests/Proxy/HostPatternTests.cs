using Nono.Core.Proxy;

namespace Nono.Core.Tests.Proxy;

public sealed class HostPatternTests
{
    [Theory]
    [InlineData("*.example.com", "api.example.com", true)]
    [InlineData("*.example.com", "a.b.example.com", true)]
    [InlineData("*.example.com", "API.Example.COM.", true)]
    [InlineData("*.example.com", "example.com", false)]
    [InlineData("*.example.com", "evilexample.com", false)]
    [InlineData("*.example.com", "example.com.evil.net", false)]
    [InlineData("*.example.com", "xexample.com", false)]
    [InlineData("example.com", "example.com", true)]
    [InlineData("example.com", "www.example.com", false)]
    [InlineData("Example.COM.", "example.com", true)]
    [InlineData("postgres", "postgres", true)]
    [InlineData("*.bücher.example", "xn--bcher-kva.bücher.example", false)]
    [InlineData("*.bücher.example", "shop.xn--bcher-kva.example", true)]
    public void Matches_HostAgainstPattern_FollowsLabelBoundaries(string pattern, string host, bool expected)
    {
        HostPattern parsed = HostPattern.TryParse(pattern, out string? error) ?? throw new InvalidOperationException(error);
        bool normalized = HostName.TryNormalize(host, out string? h, out _);

        bool matches = normalized && parsed.Matches(h!);

        Assert.Equal(expected, matches);
    }

    [Theory]
    [InlineData("*.com")]
    [InlineData("*")]
    [InlineData("*.*.example.com")]
    [InlineData("user@example.com")]
    [InlineData("example.com/path")]
    [InlineData("0x7f.1")]
    [InlineData("*.127.0.0.1")]
    public void TryParse_UnsafePattern_IsRejectedWithReason(string pattern)
    {
        HostPattern? parsed = HostPattern.TryParse(pattern, out string? error);

        Assert.Null(parsed);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Matches_SingleLabelName_OnlyWhenListedExactly()
    {
        HostPattern wildcard = HostPattern.TryParse("*.example.com", out _)!;
        HostPattern exact = HostPattern.TryParse("redis", out _)!;

        Assert.False(wildcard.Matches("postgres"));
        Assert.False(exact.Matches("postgres"));
        Assert.True(exact.Matches("redis"));
    }
}
