namespace Nono.Core.Sandbox;

/// <summary>Component-wise comparison of absolute, canonical paths (never string prefixes: /home is not above /homeevil).</summary>
internal static class SandboxPath
{
    public static string[] Components(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>True when <paramref name="ancestor"/> equals <paramref name="path"/> or is above it.</summary>
    public static bool IsSameOrAncestor(string ancestor, string path)
    {
        string[] a = Components(ancestor);
        string[] p = Components(path);
        if (a.Length > p.Length)
        {
            return false;
        }

        for (int i = 0; i < a.Length; i++)
        {
            if (!string.Equals(a[i], p[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsStrictAncestor(string ancestor, string path) =>
        IsSameOrAncestor(ancestor, path) && Components(ancestor).Length < Components(path).Length;

    public static bool IsSame(string a, string b) => IsSameOrAncestor(a, b) && IsSameOrAncestor(b, a);

    /// <summary>Whether <paramref name="path"/> is /dev or below it.</summary>
    public static bool IsUnderDev(string path) => IsSameOrAncestor("/dev", path);

    /// <summary>Character devices with no ioctl worth restricting; granting them needs no IOCTL_DEV control.</summary>
    public static bool IsHarmlessDevice(string path) =>
        path is "/dev/null" or "/dev/zero" or "/dev/full" or "/dev/random" or "/dev/urandom";
}
