using System.Runtime.InteropServices;
using Nono.Testing;

namespace Nono.Action.Tests.Install;

/// <summary>
/// The NativeAOT <c>nono</c> a release would ship: NONO_AOT_BINARY when set (.ci/run publishes it first), else
/// artifacts/publish/RID/nono when it is newer than every source file, else published here.
/// </summary>
internal static class AotBinary
{
    public static string Rid => RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";

    public static async Task<string> FindOrPublishAsync(CancellationToken cancellationToken)
    {
        if (Environment.GetEnvironmentVariable("NONO_AOT_BINARY") is { Length: > 0 } given)
        {
            return File.Exists(given) ? Path.GetFullPath(given) : throw new InvalidOperationException($"NONO_AOT_BINARY={given} does not exist");
        }

        string output = Path.Combine(NonoExecutable.RepositoryRoot, "artifacts", "publish", Rid);
        string binary = Path.Combine(output, "nono");
        if (File.Exists(binary) && File.GetLastWriteTimeUtc(binary) > NewestSourceWrite())
        {
            return binary;
        }

        ProcessResult publish = await ProcessRunner.RunAsync("dotnet",
            ["publish", Path.Combine(NonoExecutable.RepositoryRoot, "src", "Nono.Action"), "-c", "Release", "-r", Rid, "-p:PublishAot=true", "-o", output, "--nologo"],
            workingDirectory: NonoExecutable.RepositoryRoot, timeout: TimeSpan.FromMinutes(20), cancellationToken: cancellationToken);
        return publish.ExitCode == 0 && File.Exists(binary)
            ? binary
            : throw new InvalidOperationException($"dotnet publish (NativeAOT) failed: {publish.StandardOutput}{publish.StandardError}");
    }

    private static DateTime NewestSourceWrite()
    {
        string root = NonoExecutable.RepositoryRoot;
        IEnumerable<string> files = Directory.EnumerateFiles(Path.Combine(root, "src"), "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal))
            .Concat(new[] { "Directory.Build.props", "Directory.Packages.props", "global.json" }.Select(f => Path.Combine(root, f)));
        return files.Max(File.GetLastWriteTimeUtc);
    }
}
