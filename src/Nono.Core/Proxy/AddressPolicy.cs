using System.Net;
using System.Net.Sockets;

namespace Nono.Core.Proxy;

/// <summary>
/// Classifies resolved addresses and decides whether the proxy may connect to them. IPv6 forms that embed an
/// IPv4 address (mapped, compatible, NAT64, 6to4) are judged by the embedded address as well.
/// </summary>
internal static class AddressPolicy
{
    private static readonly IPAddress[] s_metadata =
    [
        IPAddress.Parse("169.254.169.254"), // AWS, GCP, Azure IMDS (also link-local)
        IPAddress.Parse("169.254.170.2"),   // AWS ECS task metadata
        IPAddress.Parse("100.100.100.200"), // Alibaba Cloud
        IPAddress.Parse("168.63.129.16"),   // Azure WireServer
        IPAddress.Parse("fd00:ec2::254"),   // AWS IMDS over IPv6
        IPAddress.Parse("fd00:ec2::23"),    // AWS DNS over IPv6
    ];

    private static readonly string[] s_metadataNames =
    [
        "metadata.google.internal",
        "metadata.azure.internal",
        "metadata",
        "instance-data",
        "instance-data.ec2.internal",
        "metadata.tencentyun.com",
        "metadata.platformequinix.com",
    ];

    /// <summary>Whether a normalized host name is a well-known cloud metadata name (always denied).</summary>
    public static bool IsMetadataName(string normalizedHost) =>
        Array.IndexOf(s_metadataNames, normalizedHost) >= 0
        || normalizedHost.StartsWith("instance-data.", StringComparison.Ordinal); // AWS: instance-data.<region>.compute.internal

    /// <summary>
    /// Returns <see langword="null"/> when the proxy may connect to <paramref name="address"/>, else a reason such as
    /// <c>address-denied:link-local</c>. <paramref name="explicitOverride"/> is true when the address came from a
    /// resolver override, which permits loopback/private/unique-local/shared ranges but never the always-denied ones.
    /// </summary>
    public static string? Check(IPAddress address, PermittedAddresses permitted, bool explicitOverride)
    {
        ArgumentNullException.ThrowIfNull(address);
        AddressClass cls = Classify(address);
        bool ok = cls switch
        {
            AddressClass.Public => true,
            AddressClass.Loopback => explicitOverride || permitted.HasFlag(PermittedAddresses.Loopback),
            AddressClass.Private => explicitOverride || permitted.HasFlag(PermittedAddresses.Private),
            AddressClass.SharedAddressSpace => explicitOverride || permitted.HasFlag(PermittedAddresses.SharedAddressSpace),
            AddressClass.UniqueLocal => explicitOverride || permitted.HasFlag(PermittedAddresses.UniqueLocal),
            AddressClass.Multicast => permitted.HasFlag(PermittedAddresses.Multicast),
            _ => false,
        };
        return ok ? null : "address-denied:" + ReasonName(cls);
    }

    /// <summary>Classifies an address, taking the most restrictive of the address and any IPv4 address embedded in it.</summary>
    public static AddressClass Classify(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return ClassifyV4(address.GetAddressBytes());
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return AddressClass.Reserved;
        }

        byte[] b = address.GetAddressBytes();
        AddressClass own = ClassifyV6(address, b);
        if (own is AddressClass.Loopback or AddressClass.Unspecified)
        {
            return own;
        }

        bool zero80 = b.AsSpan(0, 10).IndexOfAnyExcept((byte)0) < 0;
        if (zero80 && ((b[10] == 0xFF && b[11] == 0xFF) || (b[10] == 0 && b[11] == 0)))
        {
            return ClassifyV4(b[12..16]);               // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible)
        }

        byte[]? embedded = EmbeddedV4(b);
        return embedded is null ? own : MoreRestrictive(own, ClassifyV4(embedded));
    }

    /// <summary>Whether <paramref name="text"/> is the canonical spelling of an IPv4 address, or any IPv6 spelling without a scope.</summary>
    public static bool IsCanonicalLiteral(string text, IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6
            ? !text.Contains('%', StringComparison.Ordinal)
            : string.Equals(address.ToString(), text, StringComparison.Ordinal);

    private static AddressClass ClassifyV4(byte[] b)
    {
        IPAddress a = new(b);
        if (Array.IndexOf(s_metadata, a) >= 0)
        {
            return AddressClass.Metadata;
        }

        return b[0] switch
        {
            0 => AddressClass.Unspecified,
            10 => AddressClass.Private,
            127 => AddressClass.Loopback,
            100 when (b[1] & 0xC0) == 64 => AddressClass.SharedAddressSpace,
            169 when b[1] == 254 => AddressClass.LinkLocal,
            172 when (b[1] & 0xF0) == 16 => AddressClass.Private,
            192 when b[1] == 168 => AddressClass.Private,
            192 when b[1] == 0 && (b[2] == 0 || b[2] == 2) => AddressClass.Reserved,       // IETF protocol assignments, TEST-NET-1
            198 when (b[1] & 0xFE) == 18 => AddressClass.Reserved,                         // benchmarking
            198 when b[1] == 51 && b[2] == 100 => AddressClass.Reserved,                    // TEST-NET-2
            203 when b[1] == 0 && b[2] == 113 => AddressClass.Reserved,                     // TEST-NET-3
            >= 224 and <= 239 => AddressClass.Multicast,
            >= 240 => AddressClass.Reserved,                                                // incl. 255.255.255.255
            _ => AddressClass.Public,
        };
    }

    private static AddressClass ClassifyV6(IPAddress address, byte[] b)
    {
        if (Array.IndexOf(s_metadata, address) >= 0)
        {
            return AddressClass.Metadata;
        }

        if (address.Equals(IPAddress.IPv6Any))
        {
            return AddressClass.Unspecified;
        }

        if (address.Equals(IPAddress.IPv6Loopback))
        {
            return AddressClass.Loopback;
        }

        if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80)
        {
            return AddressClass.LinkLocal;              // fe80::/10
        }

        if (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0)
        {
            return AddressClass.UniqueLocal;            // fec0::/10 deprecated site-local
        }

        if ((b[0] & 0xFE) == 0xFC)
        {
            return AddressClass.UniqueLocal;            // fc00::/7
        }

        if (b[0] == 0xFF)
        {
            return AddressClass.Multicast;
        }

        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0)
        {
            return AddressClass.Reserved;               // Teredo 2001::/32 hides an IPv4 address
        }

        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8)
        {
            return AddressClass.Reserved;               // documentation 2001:db8::/32
        }

        if (b[0] == 0 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B)
        {
            // 64:ff9b::/96 is judged by the embedded address; anything else below 64:ff9b::/32 (the local-use
            // 64:ff9b:1::/48 of RFC 8215 lays the IPv4 address out differently) cannot be judged: reserved.
            return b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0 ? AddressClass.Public : AddressClass.Reserved;
        }

        return (b[0] & 0xE0) == 0x20 ? AddressClass.Public : AddressClass.Reserved; // only 2000::/3 is global unicast
    }

    private static byte[]? EmbeddedV4(byte[] b)
    {
        if (b[0] == 0 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B)
        {
            return b[12..16];                           // 64:ff9b::/96 NAT64
        }

        if (b[0] == 0x20 && b[1] == 0x02)
        {
            return b[2..6];                             // 2002::/16 6to4
        }

        return null;
    }

    private static AddressClass MoreRestrictive(AddressClass a, AddressClass b) => (AddressClass)Math.Max((int)a, (int)b);

    private static string ReasonName(AddressClass cls) => cls switch
    {
        AddressClass.Loopback => "loopback",
        AddressClass.Private => "private",
        AddressClass.SharedAddressSpace => "shared-address-space",
        AddressClass.UniqueLocal => "unique-local",
        AddressClass.Multicast => "multicast",
        AddressClass.LinkLocal => "link-local",
        AddressClass.Metadata => "metadata",
        AddressClass.Unspecified => "unspecified",
        _ => "reserved",
    };
}
