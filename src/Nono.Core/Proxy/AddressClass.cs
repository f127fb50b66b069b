namespace Nono.Core.Proxy;

/// <summary>What kind of address a resolved IP is, for the egress decision.</summary>
internal enum AddressClass
{
    Public,
    Loopback,
    Private,
    SharedAddressSpace,
    UniqueLocal,
    Multicast,

    // Never permitted, whatever the profile says.
    LinkLocal,
    Metadata,
    Unspecified,
    Reserved,
}
