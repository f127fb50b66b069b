namespace Nono.Testing;

/// <summary>
/// Approval testing without a package: compares output with an approved file kept beside the tests.
/// On a mismatch it writes <c>NAME.received.EXT</c> next to it for review and fails.
/// Set NONO_APPROVE=1 to accept the received output.
/// </summary>
public static class Approval
{
    public static void Verify(string actual, string approvedRelativePath)
    {
        string approved = Path.Combine(NonoExecutable.RepositoryRoot, approvedRelativePath);
        string received = Path.ChangeExtension(approved, ".received" + Path.GetExtension(approved));
        string normalized = actual.ReplaceLineEndings("\n");
        if (Environment.GetEnvironmentVariable("NONO_APPROVE") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(approved)!);
            File.WriteAllText(approved, normalized);
        }

        string expected = File.Exists(approved) ? File.ReadAllText(approved).ReplaceLineEndings("\n") : "";
        if (expected == normalized)
        {
            File.Delete(received);
            return;
        }

        File.WriteAllText(received, normalized);
        throw new InvalidOperationException($"Output differs from {approvedRelativePath}; see {received} (NONO_APPROVE=1 accepts it).");
    }
}
