using System.Globalization;

namespace Nono.Core.Sandbox;

/// <summary>
/// What the kernel checks a waiting caller's file operation against: its filesystem user and group, supplementary groups
/// and effective capabilities, read from <c>/proc/TID/status</c> (a thread waiting in a syscall cannot change them).
/// </summary>
internal sealed record CallerCredentials(uint FsUid, uint FsGid, uint[] Groups, ulong EffectiveCapabilities)
{
    /// <summary>Parses a status file; null when a field is missing or malformed.</summary>
    public static CallerCredentials? Parse(string status)
    {
        uint? fsuid = null;
        uint? fsgid = null;
        uint[]? groups = null;
        ulong? capEff = null;
        foreach (string line in status.Split('\n'))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                continue;
            }

            string[] fields = line[(colon + 1)..].Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            switch (line[..colon])
            {
                case "Uid" when fields.Length == 4 && uint.TryParse(fields[3], CultureInfo.InvariantCulture, out uint u):
                    fsuid = u; // real, effective, saved, filesystem
                    break;
                case "Gid" when fields.Length == 4 && uint.TryParse(fields[3], CultureInfo.InvariantCulture, out uint g):
                    fsgid = g;
                    break;
                case "Groups":
                    List<uint> list = [];
                    foreach (string field in fields)
                    {
                        if (!uint.TryParse(field, CultureInfo.InvariantCulture, out uint group))
                        {
                            return null;
                        }

                        list.Add(group);
                    }

                    groups = [.. list];
                    break;
                case "CapEff" when fields.Length == 1 && ulong.TryParse(fields[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong c):
                    capEff = c;
                    break;
            }
        }

        return fsuid is uint fu && fsgid is uint fg && groups is not null && capEff is ulong ce ? new CallerCredentials(fu, fg, groups, ce) : null;
    }
}
