using System.Net;
using Nono.Core.Proxy;

namespace Nono.Core.Tests.Proxy;

// Decision-function tests only: no connection is ever opened to any of these addresses.
public sealed class AddressPolicyTests
{
    [Theory]
    [InlineData("169.254.169.254", "metadata")]
    [InlineData("169.254.170.2", "metadata")]
    [InlineData("169.254.1.1", "link-local")]
    [InlineData("100.100.100.200", "metadata")]
    [InlineData("fd00:ec2::254", "metadata")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("febf::1", "link-local")]
    [InlineData("::ffff:169.254.169.254", "metadata")]
    [InlineData("::169.254.169.254", "metadata")]
    [InlineData("64:ff9b::a9fe:a9fe", "metadata")]
    [InlineData("2002:a9fe:a9fe::1", "metadata")]
    [InlineData("64:ff9b:1:a9fe:a9:fe00:808:808", "reserved")] // RFC 8215 local-use NAT64 lays IPv4 out differently
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("::", "unspecified")]
    [InlineData("255.255.255.255", "reserved")]
    [InlineData("2001:0:4136:e378::1", "reserved")]
    public void Check_AlwaysDeniedAddress_IsDeniedEvenWithExplicitOverrideAndAllFlags(string ip, string reason)
    {
        PermittedAddresses all = PermittedAddresses.Loopback | PermittedAddresses.Private | PermittedAddresses.SharedAddressSpace
            | PermittedAddresses.UniqueLocal | PermittedAddresses.Multicast;

        string? denied = AddressPolicy.Check(IPAddress.Parse(ip), all, explicitOverride: true);

        Assert.Equal("address-denied:" + reason, denied);
    }

    [Theory]
    [InlineData("127.0.0.1", "loopback", PermittedAddresses.Loopback)]
    [InlineData("127.8.9.10", "loopback", PermittedAddresses.Loopback)]
    [InlineData("::1", "loopback", PermittedAddresses.Loopback)]
    [InlineData("::ffff:127.0.0.1", "loopback", PermittedAddresses.Loopback)]
    [InlineData("10.1.2.3", "private", PermittedAddresses.Private)]
    [InlineData("172.16.0.1", "private", PermittedAddresses.Private)]
    [InlineData("172.31.255.255", "private", PermittedAddresses.Private)]
    [InlineData("192.168.1.1", "private", PermittedAddresses.Private)]
    [InlineData("::ffff:10.0.0.1", "private", PermittedAddresses.Private)]
    [InlineData("100.64.0.1", "shared-address-space", PermittedAddresses.SharedAddressSpace)]
    [InlineData("fd12:3456::1", "unique-local", PermittedAddresses.UniqueLocal)]
    [InlineData("224.0.0.1", "multicast", PermittedAddresses.Multicast)]
    [InlineData("ff02::1", "multicast", PermittedAddresses.Multicast)]
    public void Check_SpecialRange_DeniedByDefaultAndPermittedOnlyByItsFlag(string ip, string reason, PermittedAddresses flag)
    {
        IPAddress address = IPAddress.Parse(ip);

        string? byDefault = AddressPolicy.Check(address, PermittedAddresses.None, explicitOverride: false);
        string? withFlag = AddressPolicy.Check(address, flag, explicitOverride: false);
        string? withOtherFlags = AddressPolicy.Check(address, ~flag & (PermittedAddresses)31, explicitOverride: false);

        Assert.Equal("address-denied:" + reason, byDefault);
        Assert.Null(withFlag);
        Assert.NotNull(withOtherFlags);
    }

    [Theory]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.1")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.1")]
    [InlineData("169.253.1.1")]
    [InlineData("8.8.8.8")]
    [InlineData("2606:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    public void Check_PublicAddressNextToSpecialRanges_IsAllowed(string ip)
    {
        Assert.Null(AddressPolicy.Check(IPAddress.Parse(ip), PermittedAddresses.None, explicitOverride: false));
    }

    [Fact]
    public void Check_ExplicitOverride_PermitsLoopbackAndPrivateButNotMulticast()
    {
        Assert.Null(AddressPolicy.Check(IPAddress.Loopback, PermittedAddresses.None, explicitOverride: true));
        Assert.Null(AddressPolicy.Check(IPAddress.Parse("10.0.0.5"), PermittedAddresses.None, explicitOverride: true));
        Assert.NotNull(AddressPolicy.Check(IPAddress.Parse("224.0.0.1"), PermittedAddresses.None, explicitOverride: true));
    }

    [Fact]
    public void CheckAll_NameResolvingToPublicAndPrivate_DeniesTheWholeName()
    {
        IPAddress[] resolved = [IPAddress.Parse("93.184.216.34"), IPAddress.Parse("10.0.0.7")];

        string? reason = UpstreamConnector.CheckAll(resolved, PermittedAddresses.None, explicitOverride: false);

        Assert.Equal("address-denied:private", reason);
    }

    [Fact]
    public void CheckAll_NameResolvingToMetadata_DeniedEvenWhenPrivateIsPermitted()
    {
        IPAddress[] resolved = [IPAddress.Parse("10.0.0.7"), IPAddress.Parse("169.254.169.254")];

        string? reason = UpstreamConnector.CheckAll(resolved, PermittedAddresses.Private, explicitOverride: false);

        Assert.Equal("address-denied:metadata", reason);
    }

    [Theory]
    [InlineData("metadata.google.internal")]
    [InlineData("metadata.azure.internal")]
    [InlineData("instance-data.us-east-1.compute.internal")]
    public void IsMetadataName_CloudMetadataName_IsRecognized(string host)
    {
        Assert.True(AddressPolicy.IsMetadataName(host));
        Assert.False(AddressPolicy.IsMetadataName("metadata.example.com"));
    }
}
