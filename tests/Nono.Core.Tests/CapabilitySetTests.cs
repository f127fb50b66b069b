using Nono.Core.Capabilities;

namespace Nono.Core.Tests;

public sealed class CapabilitySetTests
{
    [Fact]
    public void Default_IsClosed_NoGrantsAndNoUnixSockets()
    {
        CapabilitySet set = new();

        Assert.Empty(set.Grants);
        Assert.False(set.AllowUnixSockets);
    }
}
