using System.Diagnostics.CodeAnalysis;

namespace Nono.Core.Sandbox;

/// <summary>Names of <see cref="WeakerMode"/> values as users type them.</summary>
public static class WeakerModes
{
    private static readonly (WeakerMode Mode, string Name)[] s_names =
    [
        (WeakerMode.NoLandlock, "no-landlock"),
        (WeakerMode.NoSeccomp, "no-seccomp"),
        (WeakerMode.UnrestrictedTruncate, "unrestricted-truncate"),
        (WeakerMode.UnrestrictedDeviceIoctl, "unrestricted-dev-ioctl"),
        (WeakerMode.UnscopedSignals, "unscoped-signals"),
        (WeakerMode.UnscopedAbstractUnix, "unscoped-abstract-unix"),
        (WeakerMode.ProxyAnyTcpPort, "proxy-any-tcp-port"),
        (WeakerMode.ProxyWithoutNetns, "proxy-without-netns"),
        (WeakerMode.RootCapabilities, "root-capabilities"),
        (WeakerMode.UnrestrictedMetadata, "unrestricted-metadata"),
        (WeakerMode.NestedUserNamespaces, "nested-user-namespaces"),
        (WeakerMode.SharedIpc, "shared-ipc"),
        (WeakerMode.LinkedDenies, "linked-denies"),
    ];

    /// <summary>All accepted names.</summary>
    public static IReadOnlyList<string> AllNames { get; } = [.. s_names.Select(n => n.Name)];

    /// <summary>The kebab-case name of <paramref name="mode"/>.</summary>
    public static string Name(WeakerMode mode) => s_names.First(n => n.Mode == mode).Name;

    /// <summary>Parses a kebab-case name.</summary>
    public static bool TryParse(string name, [NotNullWhen(true)] out WeakerMode? mode)
    {
        foreach ((WeakerMode m, string n) in s_names)
        {
            if (string.Equals(n, name, StringComparison.Ordinal))
            {
                mode = m;
                return true;
            }
        }

        mode = null;
        return false;
    }
}
