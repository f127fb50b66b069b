using System.Reflection.Emit;
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
        int rounds = await LaunchWhileAsync(launches: 40, stop =>
        {
            int count = 0;
            for (; !stop.IsCancellationRequested; count++)
            {
                for (int k = 0; k < 100; k++)
                {
                    _ = new byte[100_000];
                }
            }

            return count;
        });

        Assert.True(rounds > 0);
    }

    /// <summary>
    /// The test host runs under the JIT. A forked child has only the forking thread: had it anything left to compile (a
    /// method, or the IL stub of an unmanaged call signature), it would take the JIT's and the loader's locks, which another
    /// thread may have held at fork time, and wait forever. A thread that compiles new methods without pause holds those
    /// locks most of the time, so every launch here forks while they are likely taken. Every launch must still exec.
    /// (Before ChildCode bound the call stubs, children hung here and were caught by the launcher's alive check and
    /// retried, or, past it, failed the launch after the setup timeout. ChildCodeTests and the JIT-summary test in
    /// Nono.Action.Tests detect a lazily compiled child method deterministically; this one shows the hazard is gone.)
    /// </summary>
    [Fact]
    public async Task Start_WhileAnotherThreadCompilesMethods_EveryLaunchSucceeds()
    {
        int compiled = await LaunchWhileAsync(launches: 20, stop =>
        {
            int count = 0;
            for (; !stop.IsCancellationRequested; count++)
            {
                DynamicMethod method = new($"jit_{count}", typeof(int), [typeof(int)], typeof(SandboxLauncherTests).Module);
                ILGenerator il = method.GetILGenerator();
                il.Emit(OpCodes.Ldarg_0);
                for (int k = 0; k < 50; k++)
                {
                    il.Emit(OpCodes.Ldc_I4, count + k);
                    il.Emit(OpCodes.Xor);
                }

                il.Emit(OpCodes.Ret);
                _ = ((Func<int, int>)method.CreateDelegate(typeof(Func<int, int>)))(count);
            }

            return count;
        });

        Assert.True(compiled > 0, $"the compiling thread should have compiled while the launches ran ({compiled} methods)");
    }

    /// <summary>
    /// Runs <paramref name="launches"/> sandboxed commands (exit codes 0..4 in turn) while <paramref name="churn"/> runs on
    /// another thread; asserts every exit code came through and returns what the churn returned.
    /// </summary>
    private static async Task<int> LaunchWhileAsync(int launches, Func<CancellationToken, int> churn)
    {
        SandboxPlan plan = SandboxRun.Plan(SandboxRun.With());
        using CancellationTokenSource stop = new();
        using ManualResetEventSlim started = new();
        int churned = 0;
        // A dedicated thread, started before the first launch: a thread-pool item could start late in a busy suite.
        Thread background = new(() =>
        {
            started.Set();
            churned = churn(stop.Token);
        }) { IsBackground = true, Name = "fork-hazard churn" };
        background.Start();
        started.Wait(TestContext.Current.CancellationToken);
        List<int> codes = [];
        try
        {
            for (int i = 0; i < launches; i++)
            {
                ProcessResult result = await SandboxRun.RunAsync(plan, "/bin/sh", ["-c", $"exit {i % 5}"]);
                codes.Add(result.ExitCode);
            }
        }
        finally
        {
            stop.Cancel();
        }

        background.Join();
        Assert.Equal(Enumerable.Range(0, launches).Select(i => i % 5), codes);
        return churned;
    }
}
