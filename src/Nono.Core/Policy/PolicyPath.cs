namespace Nono.Core.Policy;

/// <summary>
/// Canonical paths and component-wise comparison. Never compares with <c>StartsWith</c>, so
/// <c>/home</c> does not contain <c>/homeevil</c>.
/// </summary>
public static class PolicyPath
{
    private const int MaxLinkHops = 40;

    /// <summary>
    /// Makes <paramref name="path"/> absolute and resolves symbolic links component by component for the
    /// part that exists; a missing remainder is appended lexically. <c>..</c> applies after links, as the kernel does.
    /// </summary>
    public static string Canonicalize(string path) => Canonicalize(path, null);

    /// <summary>Like <see cref="Canonicalize(string)"/>, taking each lookup from <paramref name="lookups"/> when given.</summary>
    internal static string Canonicalize(string path, PathLookups? lookups)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (path[0] != '/')
        {
            throw new ArgumentException($"path '{path}' is not absolute", nameof(path));
        }

        Stack<string> pending = new(Components(path).Reverse());
        List<string> resolved = [];
        bool missing = false;
        int hops = 0;
        while (pending.Count > 0)
        {
            string part = pending.Pop();
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }

                continue;
            }

            string candidate = resolved.Count == 0 ? "/" + part : Join(resolved) + "/" + part;
            // Links under /proc (self, thread-self, fd/N, cwd, root, exe) are per-process magic links: resolving them
            // here would bake nono's own pid into the policy, so /proc paths stay as written.
            bool procfs = resolved.Count > 0 && resolved[0] == "proc";
            string? target = missing || procfs ? null : lookups is null ? LinkTargetOrNull(candidate) : lookups.LinkTargetOrNull(candidate);
            if (target is null)
            {
                missing = missing || !(lookups is null ? Path.Exists(candidate) : lookups.Exists(candidate));
                resolved.Add(part);
                continue;
            }

            if (++hops > MaxLinkHops)
            {
                throw new IOException($"too many levels of symbolic links resolving '{path}'");
            }

            if (target.StartsWith('/'))
            {
                resolved.Clear();
            }

            foreach (string t in Components(target).Reverse())
            {
                pending.Push(t);
            }
        }

        return Join(resolved);
    }

    /// <summary>
    /// The link target, or null for a non-link. A component this user cannot look up (a parent without search
    /// permission) is treated as missing: the rest is kept lexically, so a deny still names the path.
    /// </summary>
    internal static string? LinkTargetOrNull(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>True when <paramref name="path"/> equals <paramref name="root"/> or lies beneath it, comparing whole components.</summary>
    public static bool IsWithin(string path, string root)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(root);
        return Sandbox.SandboxPath.IsSameOrAncestor(root, path);
    }

    /// <summary>True when <paramref name="path"/> contains a wildcard (<c>*</c> or <c>?</c>).</summary>
    public static bool HasWildcard(string path) => path.AsSpan().IndexOfAny("*?") >= 0;

    internal static string[] Components(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    private static string Join(List<string> parts) => "/" + string.Join('/', parts);
}
