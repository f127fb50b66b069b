using System.Text;

namespace Nono.Core.Sandbox;

/// <summary>
/// One line of /proc/self/mountinfo: where the mount is, whether the mount itself is read-only, the file system's device
/// (<c>major:minor</c>) and the directory of that file system the mount shows at its mount point (<c>/</c> for a whole
/// file system, the bound directory for a bind mount).
/// </summary>
internal sealed record HostMount(string MountPoint, bool ReadOnly, string Device = "", string Root = "/", int Id = 0, int Parent = 0)
{
    /// <summary>nono's mount table, in mount order (the init's namespace starts as a copy of it).</summary>
    public static IReadOnlyList<HostMount> ReadSelf() => Parse(File.ReadAllText("/proc/self/mountinfo"));

    /// <summary>
    /// mountinfo: <c>id parent major:minor root mount-point mount-options ... - fstype source super-options</c>; the mount
    /// point escapes space, tab, newline and backslash as octal (<c>\040</c>).
    /// </summary>
    public static IReadOnlyList<HostMount> Parse(string mountInfo)
    {
        List<HostMount> mounts = [];
        foreach (string line in mountInfo.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] fields = line.Split(' ');
            if (fields.Length < 6)
            {
                continue;
            }

            string options = fields[5];
            bool readOnly = options == "ro" || options.StartsWith("ro,", StringComparison.Ordinal);
            _ = int.TryParse(fields[0], out int id);
            _ = int.TryParse(fields[1], out int parent);
            mounts.Add(new HostMount(Unescape(fields[4]), readOnly, fields[2], Unescape(fields[3]), id, parent));
        }

        return mounts;
    }

    /// <summary>
    /// The mount a lookup of <paramref name="path"/> ends on, decided by the mount tree (ids and parent ids), not by the
    /// listing order: <c>mount --move</c> keeps a mount's place in the list. From the root, each component crosses into
    /// the child mounted exactly there, then up its stack (a mount stacked on the same point has the covered one as
    /// parent). A mount whose parent no longer leads to it (below a later mount higher up) is not reached. Null when the
    /// table has no root; a table without ids falls back to the listing order.
    /// </summary>
    public static HostMount? VisibleAt(IReadOnlyList<HostMount> mounts, string path) => new HostMountTree(mounts).VisibleAt(path);

    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        List<byte> bytes = [];
        for (int i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length && IsOctal(field[i + 1]) && IsOctal(field[i + 2]) && IsOctal(field[i + 3]))
            {
                bytes.Add((byte)(((field[i + 1] - '0') << 6) | ((field[i + 2] - '0') << 3) | (field[i + 3] - '0')));
                i += 3;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(field[i].ToString()));
            }
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }

    private static bool IsOctal(char c) => c is >= '0' and <= '7';
}
