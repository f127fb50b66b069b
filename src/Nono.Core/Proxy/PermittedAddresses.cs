namespace Nono.Core.Proxy;

/// <summary>
/// Address ranges that are denied by default and that a profile may explicitly permit.
/// Link-local, cloud metadata and unspecified addresses are never permitted and have no flag.
/// </summary>
[Flags]
public enum PermittedAddresses
{
    /// <summary>Only public unicast addresses.</summary>
    None = 0,

    /// <summary>127.0.0.0/8 and ::1.</summary>
    Loopback = 1,

    /// <summary>10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16.</summary>
    Private = 2,

    /// <summary>100.64.0.0/10 (carrier-grade NAT).</summary>
    SharedAddressSpace = 4,

    /// <summary>fc00::/7 (and the deprecated site-local fec0::/10).</summary>
    UniqueLocal = 8,

    /// <summary>224.0.0.0/4 and ff00::/8.</summary>
    Multicast = 16,
}
