using System.Globalization;
using Nono.Core.Diagnostics;
using Nono.Core.Policy;

namespace Nono.Action.Profiles;

/// <summary>Builds a <see cref="PolicyContext"/> from a command's environment and working directory.</summary>
internal static class PolicyContextFactory
{
    public static PolicyContext Create(IReadOnlyDictionary<string, string> environment, string workdir)
    {
        if (!environment.TryGetValue("HOME", out string? home) || home.Length == 0 || home[0] != '/')
        {
            throw new NonoException(NonoErrorCode.InvalidPolicy, "HOME must be set to an absolute path to resolve profiles");
        }

        return new PolicyContext(home, Path.GetFullPath(workdir), EffectiveUid(), environment);
    }

    /// <summary>The effective uid from <c>/proc/self/status</c> (no interop needed).</summary>
    private static int EffectiveUid()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("Uid:", StringComparison.Ordinal))
            {
                string[] fields = line[4..].Split('\t', ' ', StringSplitOptions.RemoveEmptyEntries);
                return int.Parse(fields[1], CultureInfo.InvariantCulture);
            }
        }

        throw new NonoException(NonoErrorCode.Io, "cannot read the effective uid from /proc/self/status", path: "/proc/self/status");
    }
}
