using Nono.Core.Sandbox;
using Nono.Testing;

namespace Nono.Core.Tests.Sandbox;

public sealed partial class SandboxLauncherTests
{
    /// <summary>
    /// A thread that allocates hard makes GCs start while fork runs; a child forked with a suspension pending
    /// would wait forever. The no-GC region around fork and the alive-check retry must make every launch work.
    /// </summary>
    [Fact]
    public async Task Start_WhileAnotherThreadAllocatesHard_EveryLaunchSucceeds()
    {
        SandboxPlan plan = SandboxRun.Plan(SandboxRun.With());
        using CancellationTokenSource stop = new();
        Task churn = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                for (int k = 0; k < 100; k++)
                {
                    _ = new byte[100_000];
                }
            }
        }, TestContext.Current.CancellationToken);

        List<int> codes = [];
        for (int i = 0; i < 40; i++)
        {
            ProcessResult result = await SandboxRun.RunAsync(plan, "/bin/sh", ["-c", $"exit {i % 7}"]);
            codes.Add(result.ExitCode);
        }

        stop.Cancel();
        await churn;
        Assert.Equal(Enumerable.Range(0, 40).Select(i => i % 7), codes);
    }
}
