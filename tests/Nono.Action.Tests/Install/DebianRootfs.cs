using System.Security.Cryptography;
using System.Text;
using Nono.Testing;

namespace Nono.Action.Tests.Install;

/// <summary>
/// A Debian root filesystem made by debootstrap (minbase) from this machine's apt source, plus what a hosted
/// runner image has that the action's install path needs, and a non-root <c>runner</c> user (uid 1001, as on
/// GitHub's runners). Kept as a tarball in the user's cache between local runs, keyed on everything that goes
/// into it; CI builds it every time, so the debootstrap path itself is exercised there.
/// </summary>
internal static class DebianRootfs
{
    public const int RunnerUid = 1001;

    /// <summary>
    /// Beyond minbase (bash, coreutils, tar, gzip, grep, sed, findutils, passwd): what install.sh uses to fetch
    /// over HTTPS. Nothing .NET-specific: the NativeAOT binary needs only glibc (and libssl, which curl brings).
    /// </summary>
    public static readonly IReadOnlyList<string> Packages = ["ca-certificates", "curl"];

    public static bool CanBuild => ProcessRunner.IsRoot;

    public static bool IsCached(out string tarball)
    {
        tarball = TarballPath(AptSource.Read());
        return !IsCi && File.Exists(tarball);
    }

    public static async Task<string> GetAsync(CancellationToken cancellationToken)
    {
        AptSource source = AptSource.Read();
        string tarball = TarballPath(source);
        if (!IsCi && File.Exists(tarball))
        {
            return tarball;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(tarball)!);
        string work = Path.Combine(Path.GetDirectoryName(tarball)!, $"build-{Guid.NewGuid():N}");
        try
        {
            string rootfs = Path.Combine(work, "rootfs");
            List<string> args = ["--variant=minbase", "--include=" + string.Join(',', Packages)];
            if (source.Keyring is not null)
            {
                args.Add("--keyring=" + source.Keyring);
            }

            await MustRunAsync("debootstrap", [.. args, source.Suite, rootfs, source.Mirror], TimeSpan.FromMinutes(30), cancellationToken);
            await MustRunAsync("chroot", [rootfs, "useradd", "--create-home", "--uid", $"{RunnerUid}", "--user-group", "--shell", "/bin/bash", "runner"], TimeSpan.FromMinutes(1), cancellationToken);
            // Package caches and lists are not part of a runner's view; device nodes come from Docker at run time.
            await MustRunAsync("bash", ["-c", "rm -rf var/cache/apt/archives/*.deb var/lib/apt/lists/* dev/* && mkdir -p home/runner/work && chown -R 1001:1001 home/runner"],
                TimeSpan.FromMinutes(1), cancellationToken, rootfs);
            string partial = Path.Combine(work, "rootfs.tar");
            await MustRunAsync("tar", ["--numeric-owner", "-C", rootfs, "-cf", partial, "."], TimeSpan.FromMinutes(5), cancellationToken);
            File.Move(partial, tarball, overwrite: true);
            return tarball;
        }
        finally
        {
            // A debootstrap that was stopped half-way leaves /proc (and /sys) mounted inside the target.
            await ProcessRunner.RunAsync("bash", ["-c", "findmnt -rn -o TARGET | grep -F \"$1/\" | sort -r | xargs -r -n1 umount -l", "-", work], cancellationToken: CancellationToken.None);
            await ProcessRunner.RunAsync("rm", ["-rf", "--one-file-system", work], cancellationToken: CancellationToken.None);
        }
    }

    private static bool IsCi => Environment.GetEnvironmentVariable("CI") == "true";

    private static string TarballPath(AptSource source)
    {
        string recipe = string.Join('\n', source.Mirror, source.Suite, string.Join(',', Packages), "useradd runner 1001", "v1");
        string key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(recipe)))[..16];
        string cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(cache, "nono-tests", $"debian-{source.Suite}-minbase-{key}.tar");
    }

    private static async Task MustRunAsync(string file, string[] args, TimeSpan timeout, CancellationToken cancellationToken, string? workingDirectory = null)
    {
        ProcessResult result = await ProcessRunner.RunAsync(file, args, workingDirectory: workingDirectory, timeout: timeout, cancellationToken: cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({result.ExitCode}): {result.StandardError}{result.StandardOutput[^Math.Min(2000, result.StandardOutput.Length)..]}");
        }
    }
}
