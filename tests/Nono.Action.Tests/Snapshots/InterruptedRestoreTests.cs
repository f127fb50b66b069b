using System.Diagnostics;
using Nono.Testing;

namespace Nono.Action.Tests.Snapshots;

/// <summary>Kills a real <c>nono rollback restore</c> at random points; a second restore must still end identical.</summary>
public sealed class InterruptedRestoreTests
{
    [Theory]
    [InlineData(TestUser.Current, 11)]
    [InlineData(TestUser.Nobody, 12)]
    public async Task Restore_KilledAtRandomPoints_RerunEndsIdenticalToBaseline(TestUser user, int seed)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        Assert.SkipUnless(user == TestUser.Current || ProcessRunner.IsRoot, "running as nobody needs root");
        using TempDirectory temp = new("nono-kill-");
        File.SetUnixFileMode(temp.Path, (UnixFileMode)0b111_101_101);
        string root = temp.Combine("ws");
        string state = temp.Combine("state");
        Directory.CreateDirectory(root);
        Directory.CreateDirectory(state);
        Random rng = new(seed);
        for (int d = 0; d < 10; d++)
        {
            Directory.CreateDirectory(Path.Combine(root, $"dir{d}", "nested", "deeper"));
            for (int f = 0; f < 30; f++)
            {
                byte[] bytes = new byte[rng.Next(1, 40_000)];
                rng.NextBytes(bytes);
                File.WriteAllBytes(Path.Combine(root, $"dir{d}", $"file {f}.bin"), bytes);
            }

            // Content shared by several files takes the copy path of the parallel apply; nesting takes the level-by-level one.
            File.WriteAllText(Path.Combine(root, $"dir{d}", "nested", "shared.txt"), "same content\n");
            File.WriteAllText(Path.Combine(root, $"dir{d}", "nested", "deeper", "shared.txt"), "same content\n");
        }

        if (user == TestUser.Nobody)
        {
            Assert.Equal(0, (await ProcessRunner.RunAsync("chown", ["-R", "65534:65534", root, state], cancellationToken: ct)).ExitCode);
        }

        Dictionary<string, string> env = new(StringComparer.Ordinal)
        {
            ["XDG_STATE_HOME"] = state,
            ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin",
            ["DOTNET_ROOT"] = Path.GetFullPath(Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..")),
            ["HOME"] = state,
            ["CI"] = "true",
        };
        string baseline = await TreeListing.CaptureAsync(root);
        ProcessResult snap = await ProcessRunner.RunAsync(NonoExecutable.Path, ["session", "snapshot", "--session", "s", root], user, env, cancellationToken: ct);
        Assert.True(snap.ExitCode == 0, snap.ToString());

        const string mutate = "rm -rf dir0 dir1; for d in dir2 dir3 dir4 dir5 dir6 dir7 dir8; do for f in $d/*.bin $d/nested/*.txt $d/nested/deeper/*.txt; do echo changed > \"$f\"; done; done; mkdir -p extra/deep; echo x > extra/deep/y; chmod 700 dir9";
        await RunAsUserAsync(user, "/bin/sh", ["-c", mutate], root, ct);
        Assert.NotEqual(baseline, await TreeListing.CaptureAsync(root));

        int interruptedMidApply = 0;
        for (int attempt = 0; attempt < 6; attempt++)
        {
            ProcessStartInfo psi = user == TestUser.Nobody
                ? new("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "--", NonoExecutable.Path, "rollback", "restore", "s"])
                : new(NonoExecutable.Path, ["rollback", "restore", "s"]);
            psi.RedirectStandardOutput = true;
            psi.RedirectStandardError = true;
            psi.Environment.Clear();
            foreach ((string k, string v) in env)
            {
                psi.Environment[k] = v;
            }

            using Process process = Process.Start(psi)!;
            if (attempt % 2 == 0)
            {
                await Task.Delay(rng.Next(30, 600), ct); // a random point in startup, scan or staging
            }
            else
            {
                // Wait until the apply phase is visibly under way, then kill a random moment later.
                while (!process.HasExited && Directory.Exists(Path.Combine(root, "extra")))
                {
                    await Task.Delay(1, ct);
                }

                Thread.SpinWait(rng.Next(0, 2_000_000));
            }

            process.Kill();
            await process.WaitForExitAsync(ct);
            string now = await TreeListing.CaptureAsync(root);
            interruptedMidApply += now != baseline && !Directory.Exists(Path.Combine(root, "extra")) ? 1 : 0;

            // Between attempts the tree keeps changing, as a leftover process might do.
            await RunAsUserAsync(user, "/bin/sh", ["-c", attempt == 2 ? mutate : "echo again > dir6/'file 3.bin'"], root, ct);
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{interruptedMidApply} of 6 kills landed in the apply phase");

        ProcessResult final = await ProcessRunner.RunAsync(NonoExecutable.Path, ["rollback", "restore", "s"], user, env, cancellationToken: ct);
        ProcessResult again = await ProcessRunner.RunAsync(NonoExecutable.Path, ["rollback", "restore", "s", "--dry-run"], user, env, cancellationToken: ct);

        Assert.True(final.ExitCode == 0, final.ToString());
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(state, "nono", "objects", "tmp")));
        Assert.Equal(baseline, await TreeListing.CaptureAsync(root));
        Assert.Contains("0 files written, 0 symlinks, 0 directories created, 0 removed, 0 modes fixed", again.StandardOutput, StringComparison.Ordinal);
    }

    private static async Task RunAsUserAsync(TestUser user, string file, string[] args, string cwd, CancellationToken ct)
    {
        ProcessResult result = await ProcessRunner.RunAsync(file, args, user, workingDirectory: cwd, cancellationToken: ct);
        Assert.True(result.ExitCode == 0, result.ToString());
    }
}
