namespace Nono.Core.Sandbox;

/// <summary>Canonicalizes paths the way the kernel walks them: absolute, '.'/'..' removed, every symlink resolved.</summary>
public static class CanonicalPath
{
    private const int MaxLinks = 40; // the kernel's MAXSYMLINKS

    /// <summary>
    /// The canonical form of <paramref name="path"/> (relative to <paramref name="baseDirectory"/>), or null
    /// when it does not exist.
    /// </summary>
    public static string? Resolve(string path, string baseDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        // No lexical normalization: ".." must apply to what a symlink really points at, as in the kernel.
        string absolute = path.StartsWith('/') ? path : baseDirectory + "/" + path;
        Queue<string> pending = new(SandboxPath.Components(absolute));
        List<string> resolved = [];
        int links = 0;
        while (pending.Count > 0)
        {
            string component = pending.Dequeue();
            if (component == ".")
            {
                continue;
            }

            if (component == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }

                continue;
            }

            string candidate = "/" + string.Join('/', resolved.Append(component));
            FileSystemInfo info = new FileInfo(candidate);
            if (!info.Exists && !Directory.Exists(candidate) && info.LinkTarget is null)
            {
                return null;
            }

            // /proc/self, /proc/thread-self and /proc/<pid>/{fd,cwd,root,exe} are per-process magic links:
            // resolving them here would name nono's own process. They stay as written (the planner refuses them).
            if (info.LinkTarget is string target && !(resolved.Count > 0 && resolved[0] == "proc"))
            {
                if (++links > MaxLinks)
                {
                    return null;
                }

                // Re-walk: the target's components, then what was left of the path.
                string[] rest = [.. pending];
                pending.Clear();
                if (target.StartsWith('/'))
                {
                    resolved.Clear();
                }

                foreach (string c in SandboxPath.Components(target))
                {
                    pending.Enqueue(c);
                }

                foreach (string c in rest)
                {
                    pending.Enqueue(c);
                }

                continue;
            }

            resolved.Add(component);
        }

        return "/" + string.Join('/', resolved);
    }
}
