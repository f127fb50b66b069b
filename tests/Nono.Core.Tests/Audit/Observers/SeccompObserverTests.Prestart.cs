using Nono.Core.Audit.Observers;
using Nono.Core.Policy;
using Nono.Core.Tests.Sandbox;
using Nono.Testing;

namespace Nono.Core.Tests.Audit.Observers;

// The observer's threads start before the fork (the launcher's supervisor thread calls Prestart) and wait for the
// listener: one that never comes must not keep them waiting, and a prestarted observer records as before.
public sealed partial class SeccompObserverTests
{
    [Fact]
    public async Task Stop_PrestartedAndNoListenerCame_ItsThreadsEndAndTheReportSaysNoneWasHandedOver()
    {
        using SeccompObserver observer = new((path, op) => Decide(path, op, allowed: true), new RecordingSink());
        observer.Prestart();

        // Stop joins the started threads; WaitAsync is a liveness guard (a thread left waiting fails the test), not a timing assertion.
        await Task.Run(observer.Stop, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);

        Assert.False(observer.Attached);
        ObserverReport report = observer.Report();
        Assert.Equal("failed", report.Status);
        Assert.Contains("never handed over", report.Detail);
    }

    [Fact]
    public async Task Launch_ObserverPrestartedTwice_AttachesOnceAndRecordsTheDenial()
    {
        using TempDirectory granted = new();
        using TempDirectory other = new();
        await File.WriteAllTextAsync(other.Combine("out.txt"), Guid.NewGuid().ToString("N"), TestContext.Current.CancellationToken);
        RecordingSink sink = new();
        using SeccompObserver observer = new((path, op) => Decide(path, op, allowed: !PolicyPath.IsWithin(path, other.Path)), sink);
        observer.Prestart(); // and the launcher's own, on its supervisor thread

        ProcessResult result = await SandboxRun.RunAsync(
            SandboxRun.Plan(SandboxRun.With(SandboxRun.Write(granted.Path))), SandboxRun.Sh, ["-c", $"cat {other.Combine("out.txt")}; exit 3"], granted.Path,
            spec => spec with { Observer = observer });
        observer.Stop();

        Assert.Equal(3, result.ExitCode);
        Assert.True(observer.Attached);
        Assert.Equal(other.Combine("out.txt"), Assert.Single(sink.Observations).Path);
        Assert.Equal("active", observer.Report().Status);
    }
}
