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

    /// <summary>
    /// The effective uid from <c>/proc/self/status</c> (no interop needed), read into a stack buffer: the <c>Uid:</c>
    /// line is among the first few hundred bytes, and a stream reader would allocate ~9 KB on every start.
    /// </summary>
    private static int EffectiveUid()
    {
        Span<byte> buffer = stackalloc byte[4096];
        int length;
        using (Microsoft.Win32.SafeHandles.SafeFileHandle status = File.OpenHandle("/proc/self/status"))
        {
            length = RandomAccess.Read(status, buffer, 0);
        }

        ReadOnlySpan<byte> rest = buffer[..length];
        scoped ReadOnlySpan<byte> uidLine = [];
        while (!rest.IsEmpty && uidLine.IsEmpty)
        {
            int end = rest.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            uidLine = line.StartsWith("Uid:"u8) ? line[4..] : [];
        }

        // Uid: real, effective, saved and filesystem uid, separated by tabs.
        Span<char> text = stackalloc char[uidLine.Length];
        ReadOnlySpan<char> values = text[..System.Text.Encoding.ASCII.GetChars(uidLine, text)];
        Span<Range> fields = stackalloc Range[3];
        if (values.SplitAny(fields, "\t ", StringSplitOptions.RemoveEmptyEntries) >= 2)
        {
            return int.Parse(values[fields[1]], CultureInfo.InvariantCulture);
        }

        throw new NonoException(NonoErrorCode.Io, "cannot read the effective uid from /proc/self/status", path: "/proc/self/status");
    }
}
