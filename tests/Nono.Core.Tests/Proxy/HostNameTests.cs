using Nono.Core.Proxy;

namespace Nono.Core.Tests.Proxy;

public sealed class HostNameTests
{
    [Theory]
    [InlineData("0x7f.1")]
    [InlineData("2130706433")]
    [InlineData("0x7f000001")]
    [InlineData("127.1")]
    [InlineData("0177.0.0.1")]
    [InlineData("127.000.0.1")]
    [InlineData("1.2.3.256")]
    public void TryNormalize_AmbiguousNumericForm_IsRejected(string host)
    {
        bool ok = HostName.TryNormalize(host, out _, out string? error);

        Assert.False(ok);
        Assert.Contains("numeric", error!);
    }

    [Theory]
    [InlineData("user@example.com")]
    [InlineData("exa mple.com")]
    [InlineData("example.com%00")]
    [InlineData("example..com")]
    [InlineData("-bad.example.com")]
    [InlineData("bücher.example")]
    [InlineData("[fe80::1%eth0]")]
    [InlineData("")]
    public void TryNormalize_InvalidHost_ReturnsOneLineError(string host)
    {
        bool ok = HostName.TryNormalize(host, out _, out string? error);

        Assert.False(ok);
        Assert.DoesNotContain('\n', error!);
    }

    [Theory]
    [InlineData("API.Example.Com.", "api.example.com")]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("[::FFFF:169.254.169.254]", "::ffff:169.254.169.254")]
    [InlineData("xn--bcher-kva.example", "xn--bcher-kva.example")]
    public void TryNormalize_ValidHost_IsCanonical(string host, string expected)
    {
        bool ok = HostName.TryNormalize(host, out string? normalized, out _);

        Assert.True(ok);
        Assert.Equal(expected, normalized);
    }

    [Fact]
    public void TryNormalize_UnicodeInConfiguration_BecomesPunycode()
    {
        bool ok = HostName.TryNormalize("Bücher.example", out string? normalized, out _, allowUnicode: true);

        Assert.True(ok);
        Assert.Equal("xn--bcher-kva.example", normalized);
    }
}
