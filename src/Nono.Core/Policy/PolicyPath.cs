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

        // The resolved part lives in one growing buffer, and each candidate is looked up as a span of it: a string
        // is made only for a lookup not made before in this resolution (rules share most of their prefixes).
        char[] resolved = System.Buffers.ArrayPool<char>.Shared.Rent(Math.Max(256, path.Length * 2));
        try
        {
            int length = 0;
            string pending = path;
            int position = 0;
            bool missing = false;
            int hops = 0;
            while (NextComponent(pending, ref position) is { Length: > 0 } part)
            {
                if (part is ".")
                {
                    continue;
                }

                if (part is "..")
                {
                    length = Math.Max(0, resolved.AsSpan(0, length).LastIndexOf('/'));
                    continue;
                }

                // Links under /proc (self, thread-self, fd/N, cwd, root, exe) are per-process magic links: resolving them
                // here would bake nono's own pid into the policy, so /proc paths stay as written.
                bool procfs = length > 0 && NextComponent(resolved.AsSpan(0, length)) is "proc";
                if (length + 1 + part.Length > resolved.Length)
                {
                    char[] larger = System.Buffers.ArrayPool<char>.Shared.Rent((length + 1 + part.Length) * 2);
                    resolved.AsSpan(0, length).CopyTo(larger);
                    System.Buffers.ArrayPool<char>.Shared.Return(resolved);
                    resolved = larger;
                }

                int before = length;
                resolved[length++] = '/';
                part.CopyTo(resolved.AsSpan(length));
                length += part.Length;
                ReadOnlySpan<char> candidate = resolved.AsSpan(0, length);
                string? target = missing || procfs ? null : lookups is null ? LinkTargetOrNull(candidate.ToString()) : lookups.LinkTargetOrNull(candidate);
                if (target is null)
                {
                    missing = missing || !(lookups is null ? Path.Exists(candidate.ToString()) : lookups.Exists(candidate));
                    continue;
                }

                length = before;
                if (++hops > MaxLinkHops)
                {
                    throw new IOException($"too many levels of symbolic links resolving '{path}'");
                }

                if (target.StartsWith('/'))
                {
                    length = 0;
                }

                // Walk the target's components next, then what was left.
                pending = string.Concat(target, "/", pending.AsSpan(position));
                position = 0;
            }

            return length == 0 ? "/" : new string(resolved, 0, length);
        }
        finally
        {
            System.Buffers.ArrayPool<char>.Shared.Return(resolved);
        }
    }

    /// <summary>The next component of <paramref name="path"/> from <paramref name="position"/> (empty at the end), moving past it.</summary>
    private static ReadOnlySpan<char> NextComponent(string path, ref int position)
    {
        while (position < path.Length && path[position] == '/')
        {
            position++;
        }

        int start = position;
        while (position < path.Length && path[position] != '/')
        {
            position++;
        }

        return path.AsSpan(start, position - start);
    }

    private static ReadOnlySpan<char> NextComponent(ReadOnlySpan<char> path)
    {
        path = path.TrimStart('/');
        int end = path.IndexOf('/');
        return end < 0 ? path : path[..end];
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

}
