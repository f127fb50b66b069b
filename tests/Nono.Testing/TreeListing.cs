
namespace Nono.Testing;

/// <summary>
/// An independent oracle for "the tree is identical": Debian's python3 walks the tree with bytes
/// paths and lstat, printing type, exact name bytes, mode, size, SHA-256 and symlink targets.
/// </summary>
public static class TreeListing
{
    private const string Script = """
        import os, sys, stat, hashlib
        root = os.fsencode(sys.argv[1])
        skip = set(os.fsencode(a) for a in sys.argv[2:])
        out = []
        def digest(path):
            h = hashlib.sha256()
            with open(path, 'rb') as f:
                for chunk in iter(lambda: f.read(1 << 20), b''):
                    h.update(chunk)
            return h.hexdigest()
        def walk(rel):
            for name in sorted(os.listdir(os.path.join(root, rel) if rel else root)):
                r = os.path.join(rel, name) if rel else name
                full = os.path.join(root, r)
                st = os.lstat(full)
                m = stat.S_IMODE(st.st_mode)
                if name in skip:
                    continue
                if stat.S_ISDIR(st.st_mode):
                    out.append('d %r %o' % (r, m))
                    walk(r)
                elif stat.S_ISLNK(st.st_mode):
                    out.append('l %r -> %r' % (r, os.readlink(full)))
                elif stat.S_ISREG(st.st_mode):
                    out.append('f %r %o %d %s' % (r, m, st.st_size, digest(full)))
                else:
                    out.append('s %r %o' % (r, stat.S_IFMT(st.st_mode)))
        st = os.lstat(root)
        out.append('root %o' % stat.S_IMODE(st.st_mode))
        walk(b'')
        print('\n'.join(out))
        """;

    public static async Task<string> CaptureAsync(string root, params string[] skipNames)
    {
        ProcessResult result = await ProcessRunner.RunAsync("/usr/bin/python3", ["-c", Script, root, .. skipNames], timeout: TimeSpan.FromMinutes(2));
        return result.ExitCode == 0 ? result.StandardOutput : throw new InvalidOperationException("tree listing failed: " + result);
    }
}
