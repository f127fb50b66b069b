namespace Nono.Core.Sandbox;

/// <summary>Component-wise comparison of absolute, canonical paths (never string prefixes: /home is not above /homeevil).</summary>
internal static class SandboxPath
{
    public static string[] Components(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>True when <paramref name="ancestor"/> equals <paramref name="path"/> or is above it.</summary>
    public static bool IsSameOrAncestor(string ancestor, string path)
    {
        // The planner compares every deny with every grant. In the usual form (a leading '/', no empty component) the
        // components are the text between single slashes, so one vectorised prefix compare decides.
        if (IsSimple(ancestor) && IsSimple(path))
        {
            ReadOnlySpan<char> x = TrimOneTrailingSlash(ancestor);
            ReadOnlySpan<char> y = TrimOneTrailingSlash(path);
            return x.Length == 1 || (y.StartsWith(x, StringComparison.Ordinal) && (y.Length == x.Length || y[x.Length] == '/'));
        }

        // Component by component, without allocating.
        ReadOnlySpan<char> a = ancestor;
        ReadOnlySpan<char> p = path;
        while (true)
        {
            a = a.TrimStart('/');
            p = p.TrimStart('/');
            if (a.IsEmpty)
            {
                return true;
            }

            if (p.IsEmpty)
            {
                return false;
            }

            int aEnd = a.IndexOf('/');
            int pEnd = p.IndexOf('/');
            ReadOnlySpan<char> aPart = aEnd < 0 ? a : a[..aEnd];
            ReadOnlySpan<char> pPart = pEnd < 0 ? p : p[..pEnd];
            if (!aPart.SequenceEqual(pPart))
            {
                return false;
            }

            a = a[aPart.Length..];
            p = p[pPart.Length..];
        }
    }

    /// <summary>
    /// <paramref name="path"/> in the usual form (one leading '/', single slashes, no trailing slash): two paths in this
    /// form compare component by component as <see cref="IsSameOrAncestorNormalized"/> does, with one ordinal prefix test.
    /// </summary>
    public static string Normalize(string path) =>
        IsSimple(path) ? (path.Length > 1 && path[^1] == '/' ? path[..^1] : path) : "/" + string.Join('/', Components(path));

    /// <summary><see cref="IsSameOrAncestor"/> for two paths already in the form <see cref="Normalize"/> gives.</summary>
    public static bool IsSameOrAncestorNormalized(string ancestor, string path) =>
        ancestor.Length == 1 || (path.StartsWith(ancestor, StringComparison.Ordinal) && (path.Length == ancestor.Length || path[ancestor.Length] == '/'));

    private static bool IsSimple(string path) => path.StartsWith('/') && !path.Contains("//", StringComparison.Ordinal);

    private static ReadOnlySpan<char> TrimOneTrailingSlash(string path) =>
        path.Length > 1 && path[^1] == '/' ? path.AsSpan(0, path.Length - 1) : path;

    public static bool IsStrictAncestor(string ancestor, string path) =>
        IsSameOrAncestor(ancestor, path) && ComponentCount(ancestor) < ComponentCount(path);

    private static int ComponentCount(ReadOnlySpan<char> path)
    {
        int count = 0;
        bool inComponent = false;
        foreach (char c in path)
        {
            if (c == '/')
            {
                inComponent = false;
            }
            else if (!inComponent)
            {
                inComponent = true;
                count++;
            }
        }

        return count;
    }

    public static bool IsSame(string a, string b) => IsSameOrAncestor(a, b) && IsSameOrAncestor(b, a);

    /// <summary>Where the host's devpts instance (every terminal of every user) is mounted.</summary>
    public const string DevPts = "/dev/pts";

    /// <summary>Whether <paramref name="path"/> is /dev or below it.</summary>
    public static bool IsUnderDev(string path) => IsSameOrAncestor("/dev", path);

    /// <summary>
    /// Grants that get IOCTL_DEV on ABI 5+: those under /dev, where the user granted the device (or /dev) itself; not
    /// /dev/shm, a tmpfs for shared-memory files where no device belongs.
    /// </summary>
    public static bool GetsDeviceIoctl(string path) => IsUnderDev(path) && !IsSameOrAncestor("/dev/shm", path);
}
