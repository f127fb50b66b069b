using System.Collections.Concurrent;
using Nono.Core.Audit.Observers;
using Nono.Core.Policy;
using Nono.Core.Sandbox;
using Nono.Core.Tests.Sandbox;
using Nono.Testing;

namespace Nono.Core.Tests.Audit.Observers;

/// <summary>
/// The seccomp observer with the real kernel: it records what the policy denies, it never grants anything (Landlock
/// decides even when the observer's policy says yes), and when it fails the sandbox gets errors, not access or a hang.
/// </summary>
[Trait("Requires", "Landlock")]
public sealed partial class SeccompObserverTests
{
    [Fact]
    public async Task Observer_PolicyDenies_RecordsTheDenialAndLandlockEnforcesIt()
    {
        using TempDirectory granted = new();
        using TempDirectory other = new();
        string secret = Guid.NewGuid().ToString("N");
        await File.WriteAllTextAsync(granted.Combine("in.txt"), "granted", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(other.Combine("out.txt"), secret, TestContext.Current.CancellationToken);
        RecordingSink sink = new();
        using SeccompObserver observer = new((path, op) => Decide(path, op, allowed: !PolicyPath.IsWithin(path, other.Path)), sink);

        ProcessResult result = await Run(granted.Path, $"cat {granted.Combine("in.txt")}; cat {other.Combine("out.txt")}", observer);
        observer.Stop();

        Assert.Equal("granted", result.StandardOutput);
        Assert.Contains("Permission denied", result.StandardError);
        FilesystemObservation denial = Assert.Single(sink.Observations);
        Assert.Equal(other.Combine("out.txt"), denial.Path);
        Assert.Equal("read", denial.Access);
        Assert.Equal(ObserverMechanisms.SeccompObserver, denial.Mechanism);
        Assert.True(denial.Pid > 0);
        Assert.Equal("active", observer.Report().Status);
    }

    [Fact]
    public async Task Observer_PolicySaysAllowed_LandlockStillDenies()
    {
        // The observer answers CONTINUE for everything; if it were the enforcer, this lying policy would open the file.
        using TempDirectory granted = new();
        using TempDirectory other = new();
        string secret = Guid.NewGuid().ToString("N");
        await File.WriteAllTextAsync(other.Combine("out.txt"), secret, TestContext.Current.CancellationToken);
        RecordingSink sink = new();
        using SeccompObserver observer = new((path, op) => Decide(path, op, allowed: true), sink);

        ProcessResult result = await Run(granted.Path, $"cat {other.Combine("out.txt")}; echo x > {other.Combine("new.txt")}", observer);
        observer.Stop();

        Assert.DoesNotContain(secret, result.StandardOutput);
        Assert.Contains("Permission denied", result.StandardError);
        Assert.False(File.Exists(other.Combine("new.txt")));
        Assert.Empty(sink.Observations);
        Assert.True(observer.Report().Seen > 0, "the observer saw no call");
    }

    [Fact]
    public async Task Observer_Fails_TheSandboxGetsErrorsNotAccessOrAHang()
    {
        using TempDirectory granted = new();
        using TempDirectory other = new();
        string secret = Guid.NewGuid().ToString("N");
        await File.WriteAllTextAsync(other.Combine("out.txt"), secret, TestContext.Current.CancellationToken);
        using SeccompObserver observer = new((_, _) => throw new InvalidOperationException("observer broke"), new RecordingSink());

        // WaitAsync is a liveness guard (a hang fails the test), not a timing assertion.
        ProcessResult result = await Run(granted.Path, $"cat {other.Combine("out.txt")}", observer).WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
        observer.Stop();

        Assert.NotEqual(0, result.ExitCode);
        Assert.DoesNotContain(secret, result.StandardOutput);
        ObserverReport report = observer.Report();
        Assert.Equal("failed", report.Status);
        Assert.Contains("observer broke", report.Detail);
    }

    private static Task<ProcessResult> Run(string granted, string script, SeccompObserver observer) =>
        SandboxRun.RunAsync(SandboxRun.Plan(SandboxRun.With(SandboxRun.Write(granted))), SandboxRun.Sh, ["-c", script], granted, spec => spec with { Observer = observer });

    private static Decision Decide(string path, FsOperation operation, bool allowed) =>
        new(path, operation, allowed, allowed ? DecidingRule.Grant : DecidingRule.None, null, "test", allowed ? "test allows" : "test denies");

    private sealed class RecordingSink : IFilesystemObservationSink
    {
        private readonly ConcurrentQueue<FilesystemObservation> _observations = new();

        public IReadOnlyList<FilesystemObservation> Observations => [.. _observations];

        public void Record(FilesystemObservation observation) => _observations.Enqueue(observation);
    }
}
