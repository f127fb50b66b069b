using System.Text;
using Nono.Core.Trust.Dsse;

namespace Nono.Core.Tests.Trust.Dsse;

public sealed class DssePaeTests
{
    [Fact]
    public void Encode_SpecExample_MatchesProtocolDocument()
    {
        // From the DSSE protocol specification's worked example.
        byte[] pae = DssePae.Encode("http://example.com/HelloWorld", "hello world"u8);

        Assert.Equal("DSSEv1 29 http://example.com/HelloWorld 11 hello world", Encoding.UTF8.GetString(pae));
    }
}
