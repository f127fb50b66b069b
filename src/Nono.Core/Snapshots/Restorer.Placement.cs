using Nono.Core.Diagnostics;
using Nono.Core.Snapshots.Native;

namespace Nono.Core.Snapshots;

internal sealed partial class Restorer
{
    /// <summary>
    /// True for a failure that does not yet say where it happened: the file system helpers name only the last
    /// component they were given, a descriptor's /proc path, or nothing, and a session can track several roots
    /// holding the same relative paths.
    /// </summary>
    private static bool Unplaced(Exception ex) => ex switch
    {
        NonoException { Path: { } path } => !IsAbsoluteDisplay(path),
        NonoException or IOException or UnauthorizedAccessException => true,
        _ => false,
    };

    private static bool IsAbsoluteDisplay(string path) => path.StartsWith('/') && !path.StartsWith("/proc/", StringComparison.Ordinal);

    /// <summary>
    /// The failure <paramref name="ex"/> of an operation on <paramref name="entry"/> (a raw path of the root at
    /// <paramref name="directory"/>), reworded to name its absolute path. A helper's own path is taken relative to
    /// <paramref name="parent"/>, the directory whose descriptor it worked in (for removals, the top of the subtree).
    /// </summary>
    internal static NonoException Placed(string directory, string parent, string entry, Exception ex)
    {
        if (ex is not NonoException failure)
        {
            string at = RootPlan.Where(directory, entry);
            return new NonoException(NonoErrorCode.Io, $"{at}: {ex.Message.ReplaceLineEndings(" ").Trim()}", at, inner: ex);
        }

        string where = failure.Path is { } own && !own.StartsWith('/')
            ? Path.Join(RootPlan.Where(directory, parent), own)
            : RootPlan.Where(directory, entry);
        string message = failure switch
        {
            { Syscall: { } call, Errno: not 0 } => $"{call} {where}: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(failure.Errno)}",
            { Path: { Length: > 0 } shown } when StartsWithName(failure.Message, shown) => where + failure.Message[shown.Length..], // the path only where it names the entry: a name like "a" occurs in the rest of the text too
            _ => $"{where}: {failure.Message}",
        };
        return new NonoException(failure.Code, message, where, failure.Syscall, failure.Errno, failure);
    }

    /// <summary>Whether <paramref name="message"/> begins with <paramref name="name"/> as a whole word (followed by its end, a space or a colon).</summary>
    private static bool StartsWithName(string message, string name) =>
        message.StartsWith(name, StringComparison.Ordinal) && (message.Length == name.Length || message[name.Length] is ' ' or ':');
}
