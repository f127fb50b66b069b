using System.Text.RegularExpressions;
using Nono.Action.Tests.Sandbox;
using Nono.Core.Audit;
using Nono.Testing;

namespace Nono.Action.Tests.Audit;

/// <summary>
/// The order of the completion's writes, seen from outside with <c>strace -f -y</c> on the real binary (all of nono's
/// threads): the ledger line, which vouches for the session, is written only after everything it names is durable (the
/// events, the completed session.json under its final name, and the session folder's own name), and the completed
/// session.json replaces the running one only after the events it summarises are on disk. The helper thread's audit-root
/// fsync runs alongside the rename (docs/notes/s15-launch.md); these are the orderings that must survive that.
/// </summary>
public sealed partial class AuditCompletionOrderTests
{
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_CommandEndsAtOnce_LedgerLineComesAfterEverythingItNamesIsDurable(TestUser user)
    {
        using NonoSandbox sb = new(user);
        string auditRoot = Path.Combine(sb.Home.Path, ".local", "state", "nono", "audit");

        (ProcessResult run, List<Call> calls) = await TracedRunAsync(sb, "/bin/true");

        Assert.True(run.ExitCode == 0, run.ToString());
        string trace = string.Join('\n', calls);
        Call rename = Last(calls, c => c.Name == "rename" && c.Args.EndsWith("/" + AuditFormat.SessionFile + "\"", StringComparison.Ordinal), "the session.json rename", trace);
        Call staged = Last(calls, c => c.Name == "fsync" && StagedSessionFile().IsMatch(c.Args), "the staged session.json fsync", trace);
        Call events = Last(calls, c => c.Name == "fsync" && c.Args.EndsWith("/" + AuditFormat.EventsFile + ">", StringComparison.Ordinal), "the events fsync", trace);
        string folder = rename.Args[(rename.Args.LastIndexOf("\"/", StringComparison.Ordinal) + 1)..^("/" + AuditFormat.SessionFile + "\"").Length];
        Call folderSync = Last(calls, c => c.Name == "fsync" && c.Args.EndsWith("<" + folder + ">", StringComparison.Ordinal), "the session folder fsync", trace);
        // The first: a ledger file created by this append has its name fsynced again afterwards.
        Call rootSync = calls.FirstOrDefault(c => c.Name == "fsync" && c.Args.EndsWith("<" + auditRoot + ">", StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException("no audit root fsync:\n" + trace);
        Call ledgerWrite = Single(calls, c => c.Name == "pwrite64" && c.Args.Contains("/" + AuditFormat.LedgerFile + ">", StringComparison.Ordinal), "the ledger write", trace);
        Call ledgerSync = Last(calls, c => c.Name == "fsync" && c.Args.EndsWith("/" + AuditFormat.LedgerFile + ">", StringComparison.Ordinal), "the ledger fsync", trace);

        // The completed session.json replaces the running one only once it and the events it names are on disk.
        Assert.True(events.Ended < rename.Started, "rename before the events were durable:\n" + trace);
        Assert.True(staged.Ended < rename.Started, "rename before the staged session.json was durable:\n" + trace);
        // The ledger line only after the rename, the session folder's name and the events file's name are durable.
        Assert.True(rename.Ended < folderSync.Started && folderSync.Ended < ledgerWrite.Started, "ledger written before the session folder's fsync after the rename:\n" + trace);
        Assert.True(rootSync.Ended < ledgerWrite.Started, "ledger written before the audit root's fsync:\n" + trace);
        Assert.True(ledgerWrite.Ended < ledgerSync.Started, "no ledger fsync after its write:\n" + trace);
        AuditCliHarness cli = new(Path.Combine(sb.Home.Path, ".local", "state"));
        Assert.Single(File.ReadAllLines(Path.Combine(auditRoot, AuditFormat.LedgerFile)));
        SessionMetadata session = Assert.Single(await new AuditStore(auditRoot).ListAsync(TestContext.Current.CancellationToken));
        Assert.Equal(SessionStatus.Completed, session.Status);
        Assert.Equal(0, session.ExitCode);
        (int exit, string output, string error) = cli.Run("audit", "verify", session.SessionId);
        Assert.True(exit == 0, output + error);
    }

    /// <summary>One traced call: its name, its arguments as strace printed them, and the trace lines where it began and returned.</summary>
    private sealed record Call(string Name, string Args, int Started, int Ended)
    {
        public override string ToString() => $"{Started}-{Ended} {Name}({Args})";
    }

    private static Call Single(List<Call> calls, Func<Call, bool> match, string what, string trace)
    {
        List<Call> found = [.. calls.Where(match)];
        Assert.True(found.Count == 1, $"expected one {what}, found {found.Count}:\n{trace}");
        return found[0];
    }

    private static Call Last(List<Call> calls, Func<Call, bool> match, string what, string trace) =>
        calls.LastOrDefault(match) ?? throw new Xunit.Sdk.XunitException($"no {what}:\n{trace}");

    /// <summary>Runs the command under <c>strace -f -y</c> for the completion's calls; an unfinished call ends at its resumed line.</summary>
    private static async Task<(ProcessResult Run, List<Call> Calls)> TracedRunAsync(NonoSandbox sb, params string[] command)
    {
        Assert.SkipUnless(File.Exists("/usr/bin/strace") || File.Exists("/bin/strace"), "needs strace");
        string tracePath = Path.Combine(sb.Home.Path, $"completion-{Guid.NewGuid():N}.trace");
        // strace stays root and drops to uid 65534 for nono (-u): nono is not dumpable, so only a root tracer can read its
        // descriptors' paths.
        string[] asUser = sb.User == TestUser.Nobody ? ["-u", "nobody"] : [];
        ProcessResult run = await ProcessRunner.RunAsync(
            "strace", ["-f", "-qq", "-y", .. asUser, "-e", "trace=fsync,rename,pwrite64", "-o", tracePath, NonoExecutable.Path, "run", .. SandboxSystemPaths.CliFlags, "--", .. command],
            TestUser.Current, sb.Environment, sb.WorkingDirectory, timeout: TimeSpan.FromMinutes(2), cancellationToken: TestContext.Current.CancellationToken);
        string[] lines = await File.ReadAllLinesAsync(tracePath, TestContext.Current.CancellationToken);
        File.Delete(tracePath);
        List<Call> calls = [];
        Dictionary<string, (string Name, string Args, int Started)> pending = [];
        for (int i = 0; i < lines.Length; i++)
        {
            if (Complete().Match(lines[i]) is { Success: true } complete)
            {
                calls.Add(new Call(complete.Groups["name"].Value, complete.Groups["args"].Value, i, i));
            }
            else if (Unfinished().Match(lines[i]) is { Success: true } unfinished)
            {
                pending[unfinished.Groups["pid"].Value] = (unfinished.Groups["name"].Value, unfinished.Groups["args"].Value, i);
            }
            else if (Resumed().Match(lines[i]) is { Success: true } resumed && pending.Remove(resumed.Groups["pid"].Value, out var begun))
            {
                calls.Add(new Call(begun.Name, begun.Args, begun.Started, i));
            }
        }

        return (run, calls);
    }

    [GeneratedRegex(@"^(?<pid>\d+)\s+(?<name>\w+)\((?<args>.*)\)\s+=\s+\d+")]
    private static partial Regex Complete();

    [GeneratedRegex(@"^(?<pid>\d+)\s+(?<name>\w+)\((?<args>.*?),? <unfinished \.\.\.>$")]
    private static partial Regex Unfinished();

    [GeneratedRegex(@"^(?<pid>\d+)\s+<\.\.\. (?<name>\w+) resumed>.*\)\s+=\s+\d+")]
    private static partial Regex Resumed();

    [GeneratedRegex(@"/\.session\.json\.[0-9a-f]{32}\.tmp>$")]
    private static partial Regex StagedSessionFile();
}
