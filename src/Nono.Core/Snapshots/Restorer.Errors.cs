using Nono.Core.Diagnostics;

namespace Nono.Core.Snapshots;

internal sealed partial class Restorer
{
    /// <summary>A failure of reading, decoding or verifying an object (or of staging it), which <see cref="ObjectFailure"/> names.</summary>
    private static bool IsObjectFailure(Exception ex) =>
        ex is IOException or UnauthorizedAccessException or NonoException { Code: NonoErrorCode.VerificationFailed or NonoErrorCode.Io };

    /// <summary>
    /// One line naming the file (its absolute path: a session can track several roots with the same relative paths) and
    /// the object behind a failure on a worker, and what the restore did about it (<paramref name="outcome"/>). Workers
    /// handle objects, not files; without this a failed read said which object or even only which store path, and not
    /// which file of the tree it was for.
    /// </summary>
    private static NonoException ObjectFailure(string where, string hash, Exception ex, string outcome, bool secondRead = false)
    {
        string what = ex is NonoException { Code: NonoErrorCode.VerificationFailed }
            ? $"{ex.Message}, needed for {where}{(secondRead ? " on its second read, after the restore had verified it" : "")}"
            : $"restoring {where} from object {hash[..Math.Min(16, hash.Length)]}… failed: {ex.Message.ReplaceLineEndings(" ").Trim()}";
        NonoErrorCode code = ex is NonoException { Code: NonoErrorCode.VerificationFailed } ? NonoErrorCode.VerificationFailed : NonoErrorCode.Io;
        return new NonoException(code, $"{what}; {outcome}", where, inner: ex);
    }
}
