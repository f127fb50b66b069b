using System.Diagnostics;
using System.Text.RegularExpressions;
using Nono.Action.Tests.Sandbox;
using Nono.Core.Audit;
using Nono.Testing;

namespace Nono.Action.Tests.Audit;

/// <summary>
/// The start of a run's record is fsynced only when the command still runs after a short delay
/// (<see cref="Nono.Action.Session.RunRecording.StartFlushDelay"/>); a command that ends at once is made durable by the
/// completion alone. Seen from outside with strace on nono's main thread (where both the start flush and the completion's
/// session.json run; <c>-y</c> names each descriptor's file).
/// </summary>
public sealed partial class AuditStartFlushTests
{
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_CommandEndsAtOnce_NoStartFlushAndTheRecordIsCompleteAndVerifies(TestUser user)
    {
        using NonoSandbox sb = new(user);
        // A loaded machine could delay the exit report past the delay once: one run of three without a start flush is
        // enough to show that none is made when the command has ended (the old code made one every time).
        List<string> traces = [];
        for (int attempt = 0; attempt < 3; attempt++)
        {
            (ProcessResult run, string[] fsyncs) = await TracedRunAsync(sb, "/bin/true");
            Assert.True(run.ExitCode == 0, run.ToString());
            traces.Add(string.Join('\n', fsyncs));
            // The completion still makes the final session.json durable: its temp file is fsynced before the rename.
            Assert.Contains(fsyncs, f => StagedSessionFile().IsMatch(f));
            if (!fsyncs.Any(f => f.EndsWith("/" + AuditFormat.SessionFile + ">", StringComparison.Ordinal)))
            {
                await AssertCompleteAndVerifiedAsync(sb, expectedSessions: attempt + 1);
                return;
            }
        }

        Assert.Fail("every run fsynced the running session.json although /bin/true had ended:\n" + string.Join("\n--\n", traces));
    }

    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_CommandStillRunningAfterTheDelay_StartIsFlushedBeforeTheCompletion(TestUser user)
    {
        using NonoSandbox sb = new(user);

        // Long enough that even on a loaded machine (strace stops nono's main thread at every system call) the supervisor
        // is waiting before the command ends.
        (ProcessResult run, string[] fsyncs) = await TracedRunAsync(sb, "/bin/sleep", "5");

        Assert.True(run.ExitCode == 0, run.ToString());
        int start = Array.FindIndex(fsyncs, f => f.EndsWith("/" + AuditFormat.SessionFile + ">", StringComparison.Ordinal));
        int completion = Array.FindIndex(fsyncs, f => StagedSessionFile().IsMatch(f));
        Assert.True(start >= 0 && completion > start, "no start flush before the completion:\n" + string.Join('\n', fsyncs));
        // The start flush also makes the names durable: the session folder (in it, the two files) and the audit root (the folder).
        string auditRoot = AuditRoot(sb);
        Assert.Contains(fsyncs[start..completion], f => f.EndsWith("<" + auditRoot + ">", StringComparison.Ordinal));
        Assert.Contains(fsyncs[start..completion], f => Regex.IsMatch(f, "<" + Regex.Escape(auditRoot) + "/[^/>]+>$"));
        await AssertCompleteAndVerifiedAsync(sb, expectedSessions: 1);
    }

    /// <summary>
    /// SIGKILL of nono while the command runs (before and after the start flush's delay): the session stays readable,
    /// marked running, with every event line whole; it has no ledger entry, and verification says it was not completed.
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current, 0)]
    [InlineData(TestUser.Current, 500)]
    [InlineData(TestUser.Nobody, 500)]
    public async Task Run_NonoKilledDuringTheCommand_SessionIsReadableAndMarkedRunning(TestUser user, int afterStartMs)
    {
        using NonoSandbox sb = new(user);
        CancellationToken ct = TestContext.Current.CancellationToken;
        string auditRoot = AuditRoot(sb);
        using Process nono = sb.Start(["run", .. SandboxSystemPaths.CliFlags, "--", "/bin/sleep", "30"]);
        string? id = null;
        for (int i = 0; i < 600 && id is null; i++)
        {
            await Task.Delay(20, ct);
            id = StartedSession(auditRoot);
        }

        Assert.True(id is not null, "no session with its running session.json and first event appeared");
        await Task.Delay(afterStartMs, ct);
        nono.Kill();
        await nono.WaitForExitAsync(ct);

        AuditCliHarness cli = new(Path.Combine(sb.Home.Path, ".local", "state"));
        string sessionFile = Path.Combine(auditRoot, id, AuditFormat.SessionFile);
        Assert.True(File.Exists(sessionFile), "the running session.json is missing");
        Assert.Contains("\"status\":\"running\"", await File.ReadAllTextAsync(sessionFile, ct), StringComparison.Ordinal);
        byte[] events = await File.ReadAllBytesAsync(Path.Combine(auditRoot, id, AuditFormat.EventsFile), ct);
        Assert.NotEmpty(events);
        Assert.Equal((byte)'\n', events[^1]);
        Assert.False(File.Exists(Path.Combine(auditRoot, AuditFormat.LedgerFile)), "a killed run has no ledger entry");
        (int exit, string output, string error) = cli.Run("audit", "verify", id);
        Assert.Equal(1, exit);
        Assert.Contains("session was not completed", output + error, StringComparison.Ordinal);
        Assert.DoesNotContain("malformed", output + error, StringComparison.Ordinal);
    }

    /// <summary>The session whose "running" session.json and first event are written (before the command starts).</summary>
    private static string? StartedSession(string auditRoot)
    {
        if (!Directory.Exists(auditRoot))
        {
            return null;
        }

        return Directory.GetDirectories(auditRoot).FirstOrDefault(d =>
            File.Exists(Path.Combine(d, AuditFormat.SessionFile)) && new FileInfo(Path.Combine(d, AuditFormat.EventsFile)) is { Exists: true, Length: > 0 }) is string folder
            ? Path.GetFileName(folder)
            : null;
    }

    private static string AuditRoot(NonoSandbox sb) => Path.Combine(sb.Home.Path, ".local", "state", "nono", "audit");

    /// <summary>Runs the command under <c>strace -y -e trace=fsync</c> (main thread only) and returns the fsync lines.</summary>
    private static async Task<(ProcessResult Run, string[] Fsyncs)> TracedRunAsync(NonoSandbox sb, params string[] command)
    {
        Assert.SkipUnless(File.Exists("/usr/bin/strace") || File.Exists("/bin/strace"), "needs strace");
        string trace = Path.Combine(sb.Home.Path, $"fsync-{Guid.NewGuid():N}.trace");
        // strace itself stays root and drops to uid 65534 for nono (-u): nono is not dumpable, so only a root tracer can
        // read its descriptors' paths.
        string[] asUser = sb.User == TestUser.Nobody ? ["-u", "nobody"] : [];
        ProcessResult run = await ProcessRunner.RunAsync(
            "strace", ["-qq", "-y", .. asUser, "-e", "trace=fsync", "-o", trace, NonoExecutable.Path, "run", .. SandboxSystemPaths.CliFlags, "--", .. command],
            TestUser.Current, sb.Environment, sb.WorkingDirectory, timeout: TimeSpan.FromMinutes(2), cancellationToken: TestContext.Current.CancellationToken);
        string[] fsyncs = [.. (await File.ReadAllLinesAsync(trace, TestContext.Current.CancellationToken)).Select(l => FsyncCall().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value)];
        File.Delete(trace);
        return (run, fsyncs);
    }

    private static async Task AssertCompleteAndVerifiedAsync(NonoSandbox sb, int expectedSessions)
    {
        AuditCliHarness cli = new(Path.Combine(sb.Home.Path, ".local", "state"));
        IReadOnlyList<SessionMetadata> sessions = await new AuditStore(cli.AuditRoot).ListAsync(TestContext.Current.CancellationToken);
        Assert.Equal(expectedSessions, sessions.Count);
        Assert.Equal(expectedSessions, File.ReadAllLines(Path.Combine(cli.AuditRoot, AuditFormat.LedgerFile)).Length);
        foreach (SessionMetadata session in sessions)
        {
            Assert.Equal(SessionStatus.Completed, session.Status);
            (int exit, string output, string error) = cli.Run("audit", "verify", session.SessionId);
            Assert.True(exit == 0, output + error);
        }
    }

    /// <summary>An fsync line of strace: the call up to its closing parenthesis, e.g. <c>fsync(12&lt;/path&gt;</c>.</summary>
    [GeneratedRegex(@"^(fsync\(.*)\)\s+=")]
    private static partial Regex FsyncCall();

    [GeneratedRegex(@"/\.session\.json\.[0-9a-f]{32}\.tmp>$")]
    private static partial Regex StagedSessionFile();
}
