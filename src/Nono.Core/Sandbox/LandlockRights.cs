namespace Nono.Core.Sandbox;

/// <summary>What each Landlock ABI version can enforce.</summary>
internal static class LandlockRights
{
    public const ulong NetBindTcp = 1UL << 0;
    public const ulong NetConnectTcp = 1UL << 1;
    public const ulong ScopeAbstractUnixSocket = 1UL << 0;
    public const ulong ScopeSignal = 1UL << 1;

    public static LandlockFs FsRights(int abi)
    {
        if (abi < 1)
        {
            return LandlockFs.None;
        }

        LandlockFs rights = LandlockFs.AbiV1;
        if (abi >= 2)
        {
            rights |= LandlockFs.Refer;
        }

        if (abi >= 3)
        {
            rights |= LandlockFs.Truncate;
        }

        if (abi >= 5)
        {
            rights |= LandlockFs.IoctlDev;
        }

        return rights;
    }

    public static ulong NetRights(int abi) => abi >= 4 ? NetBindTcp | NetConnectTcp : 0;

    public static ulong Scopes(int abi) => abi >= 6 ? ScopeAbstractUnixSocket | ScopeSignal : 0;

    public static SandboxTier TierFor(int abi) => abi switch
    {
        <= 0 => SandboxTier.SeccompOnly,
        < 4 => SandboxTier.LandlockV1Filesystem,
        < 6 => SandboxTier.LandlockV4Network,
        _ => SandboxTier.LandlockV6Scoped,
    };

    public static IReadOnlyList<string> FsRightNames(LandlockFs rights) =>
        [.. Enum.GetValues<LandlockFs>()
            .Where(r => r != LandlockFs.None && ulong.IsPow2((ulong)r) && (rights & r) == r)
            .Select(r => r.ToString())];

    public static IReadOnlyList<string> NetRightNames(ulong rights) =>
        [.. new[] { (NetBindTcp, "BindTcp"), (NetConnectTcp, "ConnectTcp") }.Where(x => (rights & x.Item1) != 0).Select(x => x.Item2)];

    public static IReadOnlyList<string> ScopeNames(ulong scopes) =>
        [.. new[] { (ScopeAbstractUnixSocket, "AbstractUnixSocket"), (ScopeSignal, "Signal") }.Where(x => (scopes & x.Item1) != 0).Select(x => x.Item2)];
}
