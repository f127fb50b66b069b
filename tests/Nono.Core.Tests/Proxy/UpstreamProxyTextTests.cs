using Nono.Core.Proxy;

namespace Nono.Core.Tests.Proxy;

public sealed class UpstreamProxyTextTests
{
    [Theory]
    [InlineData("http://corp:S3cr#t@127.0.0.1:3128", "http://***@127.0.0.1:3128")]
    [InlineData("http://corp:S3cr/t@127.0.0.1:3128", "http://***@127.0.0.1:3128")]
    [InlineData("http://corp:S3cr?t@127.0.0.1:3128/", "http://***@127.0.0.1:3128/")]
    [InlineData("http://corp:S3crt@127.0.0.1:3128", "http://***@127.0.0.1:3128")]
    public void Redact_HidesThePasswordWhateverItContains(string url, string expected)
    {
        Assert.True(UpstreamProxyText.HasUserInfo(url));
        Assert.Equal(expected, UpstreamProxyText.Redact(url));
    }

    [Theory]
    [InlineData("http://127.0.0.1:3128")]
    [InlineData("http://proxy.corp.example:3128/")]
    public void Redact_LeavesAUrlWithoutUserInfoAlone(string url)
    {
        Assert.False(UpstreamProxyText.HasUserInfo(url));
        Assert.Equal(url, UpstreamProxyText.Redact(url));
    }
}
