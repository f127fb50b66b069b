using System.Security.Cryptography;
using System.Text;
using Nono.Core.Diagnostics;

namespace Nono.Action.Profiles;

/// <summary>
/// Pins of project profiles the user has reviewed: <c>SHA-256 TAB full-path</c> lines in
/// <c>$XDG_STATE_HOME/nono/trusted-profiles</c>, a directory the sandbox never exposes. A project profile lives in the
/// working directory, which the sandboxed command can write, so it is used only when its content still matches the pin
/// (<c>nono profile trust</c>); otherwise the run is refused, never silently resolved with another profile.
/// </summary>
internal static class ProjectProfileTrust
{
    private const string StoreName = "trusted-profiles";

    /// <summary>Largest profile accepted; a profile is a few kilobytes.</summary>
    private const int MaxProfileBytes = 1 << 20;

    public static string StorePath(string stateDirectory) => Path.Combine(stateDirectory, StoreName);

    /// <summary>Pins the current content of <paramref name="profilePath"/>; returns its SHA-256 (hex).</summary>
    public static string Trust(string stateDirectory, string profilePath)
    {
        string path = Path.GetFullPath(profilePath);
        if (path.AsSpan().IndexOfAny('\n', '\t') >= 0)
        {
            throw new NonoException(NonoErrorCode.InvalidPolicy, "a profile path with a tab or newline cannot be trusted", path: path);
        }

        string digest = Hash(ReadProfile(path));
        Dictionary<string, string> pins = ReadPins(stateDirectory);
        pins[path] = digest;
        WritePins(stateDirectory, pins);
        return digest;
    }

    /// <summary>Drops the pin of <paramref name="profilePath"/> (the file may be gone); false when there was none.</summary>
    public static bool Forget(string stateDirectory, string profilePath)
    {
        Dictionary<string, string> pins = ReadPins(stateDirectory);
        if (!pins.Remove(Path.GetFullPath(profilePath)))
        {
            return false;
        }

        WritePins(stateDirectory, pins);
        return true;
    }

    /// <summary>True when <paramref name="profilePath"/> has a pin (used to refuse a trusted profile that was deleted).</summary>
    public static bool IsPinned(string stateDirectory, string profilePath) =>
        ReadPins(stateDirectory).ContainsKey(Path.GetFullPath(profilePath));

    private static void WritePins(string stateDirectory, Dictionary<string, string> pins)
    {
        StringBuilder text = new();
        foreach (KeyValuePair<string, string> pin in pins.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append(pin.Value).Append('\t').Append(pin.Key).Append('\n');
        }

        Directory.CreateDirectory(stateDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        WriteAtomically(StorePath(stateDirectory), Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>
    /// The text of <paramref name="profilePath"/> when its content matches the pin; throws a one-line error naming
    /// the file and the remedy otherwise. The bytes hashed are the bytes returned, so a rewrite between the check and
    /// the parse cannot slip through.
    /// </summary>
    public static string ReadTrusted(string stateDirectory, string profilePath)
    {
        string path = Path.GetFullPath(profilePath);
        Dictionary<string, string> pins = ReadPins(stateDirectory);
        if (!File.Exists(path) && pins.ContainsKey(path))
        {
            // Deleting the profile must not silently fall back to a wider default.
            throw new NonoException(NonoErrorCode.InvalidPolicy, $"trusted project profile {path} is gone (the sandboxed command can delete it); restore it, or run 'nono profile trust --forget {path}', or choose another profile with --profile", path: path);
        }

        byte[] content = ReadProfile(path);
        string remedy = $"review it and run 'nono profile trust {path}', or choose another profile with --profile";
        if (!pins.TryGetValue(path, out string? pinned))
        {
            throw new NonoException(NonoErrorCode.InvalidPolicy, $"project profile {path} is not trusted (the sandboxed command can write it); {remedy}", path: path);
        }

        string digest = Hash(content);
        if (!string.Equals(pinned, digest, StringComparison.Ordinal))
        {
            throw new NonoException(NonoErrorCode.InvalidPolicy, $"project profile {path} changed since it was trusted (sha256 {digest[..12]}, pinned {pinned[..Math.Min(12, pinned.Length)]}); {remedy}", path: path);
        }

        using StreamReader reader = new(new MemoryStream(content), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    private static byte[] ReadProfile(string path)
    {
        try
        {
            using FileStream stream = new(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            if (stream.Length > MaxProfileBytes)
            {
                throw new NonoException(NonoErrorCode.InvalidPolicy, $"profile {path} is larger than {MaxProfileBytes} bytes", path: path);
            }

            using MemoryStream copy = new();
            stream.CopyTo(copy);
            return copy.ToArray();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new NonoException(NonoErrorCode.InvalidPolicy, $"cannot read profile {path}: {ex.Message}", path: path);
        }
    }

    private static Dictionary<string, string> ReadPins(string stateDirectory)
    {
        Dictionary<string, string> pins = new(StringComparer.Ordinal);
        string store = StorePath(stateDirectory);
        if (!File.Exists(store))
        {
            return pins;
        }

        foreach (string line in File.ReadAllLines(store))
        {
            int tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab == 64 && line.Length > tab + 1)
            {
                pins[line[(tab + 1)..]] = line[..tab];
            }
        }

        return pins;
    }

    private static string Hash(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>Temp file in the same directory, fsync, rename: readers see the old pins or the new ones.</summary>
    private static void WriteAtomically(string path, byte[] content)
    {
        string temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            FileStreamOptions options = new() { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
            using (FileStream stream = new(temp, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
