using System.Text.RegularExpressions;
using Nono.Action.Tests.Sandbox;
using Nono.Testing;

namespace Nono.Action.Tests.Audit;

/// <summary>
/// With the seccomp observer (<c>--fs-observer on</c>, the default in action mode) the launcher's supervisor thread starts
/// the observer's threads before it clones the child, not after the child handed its listener over (when the child is
/// already waiting at its execve for an answer). Seen with <c>strace -f</c> on the real binary; the command still runs
/// observed and its exit code passes through.
/// </summary>
public sealed partial class ObserverPrestartTests
{
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_SeccompObserver_ItsThreadsStartBeforeTheCloneAndTheExitCodePassesThrough(TestUser user)
    {
        Assert.SkipUnless(File.Exists("/usr/bin/strace") || File.Exists("/bin/strace"), "needs strace");
        using NonoSandbox sb = new(user);
        string tracePath = Path.Combine(sb.Home.Path, $"threads-{Guid.NewGuid():N}.trace");
        string[] asUser = user == TestUser.Nobody ? ["-u", "nobody"] : [];

        ProcessResult run = await ProcessRunner.RunAsync(
            "strace", ["-f", "-qq", .. asUser, "-e", "trace=clone,clone3", "-o", tracePath,
                NonoExecutable.Path, "run", "--fs-observer", "on", .. SandboxSystemPaths.CliFlags, "--", "/bin/sh", "-c", "exit 3"],
            TestUser.Current, sb.Environment, sb.WorkingDirectory, timeout: TimeSpan.FromMinutes(2), cancellationToken: TestContext.Current.CancellationToken);
        string[] lines = await File.ReadAllLinesAsync(tracePath, TestContext.Current.CancellationToken);
        string trace = string.Join('\n', lines);

        Assert.True(run.ExitCode == 3, run.ToString());
        // The supervisor is the thread that clones the child: the first clone(2) of a process, not of a thread (clone3).
        string? supervisor = lines.Select(l => ProcessClone().Match(l)).FirstOrDefault(m => m.Success)?.Groups["tid"].Value;
        Assert.True(supervisor is not null, "no child was cloned:\n" + trace);
        string[] bySupervisor = [.. lines.Where(l => l.StartsWith(supervisor + " ", StringComparison.Ordinal) && l.Contains(" clone", StringComparison.Ordinal))];
        int child = Array.FindIndex(bySupervisor, l => !l.Contains("CLONE_THREAD", StringComparison.Ordinal));
        // The observer's answering thread, and its policy thread with --fs-observer on: both before the child.
        Assert.True(child >= 2, "the supervisor thread did not start the observer's threads before it cloned the child:\n" + trace);
    }

    [GeneratedRegex(@"^(?<tid>\d+)\s+clone\((?!.*CLONE_THREAD)")]
    private static partial Regex ProcessClone();
}
