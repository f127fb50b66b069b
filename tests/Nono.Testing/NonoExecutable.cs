namespace Nono.Testing;

/// <summary>
/// Locates the built <c>nono</c> executable and stages a world-readable copy of its folder, so the
/// unprivileged test user can run it even when the checkout lives under a private home directory.
/// </summary>
public static class NonoExecutable
{
    private static readonly Lazy<string> s_staged = new(Stage);

    /// <summary>Path to a copy of <c>nono</c> that every user can execute.</summary>
    public static string Path => s_staged.Value;

    /// <summary>The repository root (the folder holding Nono.sln).</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    private static string FindRepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Nono.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Nono.sln not found above " + AppContext.BaseDirectory);
    }

    private static string Stage()
    {
        string configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        string built = System.IO.Path.Combine(RepositoryRoot, "src", "Nono.Action", "bin", configuration, "net10.0");
        if (!File.Exists(System.IO.Path.Combine(built, "nono")))
        {
            throw new InvalidOperationException($"nono is not built at {built}; build Nono.sln first");
        }

        string staged = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"nono-test-bin-{Environment.ProcessId}-{Guid.NewGuid():N}");
        CopyTree(built, staged);
        return System.IO.Path.Combine(staged, "nono");
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        File.SetUnixFileMode(to, (UnixFileMode)0b111_101_101);
        foreach (string file in Directory.EnumerateFiles(from))
        {
            string target = System.IO.Path.Combine(to, System.IO.Path.GetFileName(file));
            File.Copy(file, target, overwrite: true);
            bool executable = (File.GetUnixFileMode(file) & UnixFileMode.UserExecute) != 0;
            File.SetUnixFileMode(target, (UnixFileMode)(executable ? 0b111_101_101 : 0b110_100_100));
        }

        foreach (string dir in Directory.EnumerateDirectories(from))
        {
            CopyTree(dir, System.IO.Path.Combine(to, System.IO.Path.GetFileName(dir)));
        }
    }
}
