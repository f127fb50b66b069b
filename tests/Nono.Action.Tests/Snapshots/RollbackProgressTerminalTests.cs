using Nono.Testing;

namespace Nono.Action.Tests.Snapshots;

/// <summary>
/// The progress line of the real binary on a real pseudo-terminal (util-linux <c>script</c> allocates
/// the pty and relays every byte the terminal receives), and its absence in CI.
/// </summary>
public sealed class RollbackProgressTerminalTests : IDisposable
{
    private const string Clear = "\r\u001b[K";

    /// <summary>terminfo keypad_xmit for xterm: the .NET console writes it once at start-up when stdin is a terminal.</summary>
    private const string KeypadTransmit = "\u001b[?1h\u001b=";
    private readonly TempDirectory _temp = new("nono-pty-");

    public RollbackProgressTerminalTests()
    {
        Directory.CreateDirectory(Root);
        for (int d = 0; d < 8; d++)
        {
            Directory.CreateDirectory(Path.Combine(Root, $"d{d}"));
            for (int f = 0; f < 64; f++)
            {
                File.WriteAllText(Path.Combine(Root, $"d{d}", $"f{f}.txt"), $"file {d}/{f}\n");
            }
        }
    }

    private string Root => _temp.Combine("ws");

    [Fact]
    public async Task SnapshotAndRestore_OnATerminal_DrawOneSelfOverwritingLineAndClearItBeforeTheSummary()
    {
        ProcessResult snapshot = await OnTerminalAsync(ci: false, "session", "snapshot", "--session", "s", Root);
        Directory.Delete(Path.Combine(Root, "d3"), recursive: true);
        ProcessResult restore = await OnTerminalAsync(ci: false, "rollback", "restore", "s");

        foreach ((ProcessResult result, string summary) in new[] { (snapshot, "session s snapshot 0: 512 files"), (restore, "restored session s to snapshot 0: 64 files written") })
        {
            Assert.True(result.ExitCode == 0, result.ToString());
            string output = WithoutRuntimePrefix(result.StandardOutput);
            int summaryAt = output.IndexOf(summary, StringComparison.Ordinal);
            string progress = output[..Math.Max(summaryAt, 0)];

            // Progress is drawn with carriage returns only: no line feed before the summary,
            // every redraw starts with "clear line", the last one is wiped before the summary.
            Assert.True(summaryAt > 0, output);
            Assert.DoesNotContain('\n', progress);
            Assert.StartsWith(Clear, progress, StringComparison.Ordinal);
            Assert.EndsWith(Clear, progress, StringComparison.Ordinal);
            Assert.Contains(Clear + "scan: ", progress, StringComparison.Ordinal); // the first report is always drawn
            Assert.Matches(@"^(\r\u001b\[K([a-z]+: \d+(/\d+)? entries, \d+\.\d MiB)?)+$", progress);
            Assert.Single(output[summaryAt..].TrimEnd('\r', '\n').Split('\n'));
            Assert.DoesNotContain('\u001b', output[summaryAt..]);
        }
    }

    [Fact]
    public async Task SnapshotAndRestore_OnATerminalInCi_PrintOnlyTheOneLineSummary()
    {
        ProcessResult snapshot = await OnTerminalAsync(ci: true, "session", "snapshot", "--session", "s", Root);
        Directory.Delete(Path.Combine(Root, "d3"), recursive: true);
        ProcessResult restore = await OnTerminalAsync(ci: true, "rollback", "restore", "s");

        Assert.Matches(@"^session s snapshot 0: 512 files, [^\r\n\u001b]+\r\n$", WithoutRuntimePrefix(snapshot.StandardOutput));
        Assert.Matches(@"^restored session s to snapshot 0: 64 files written[^\r\n\u001b]*\r\n$", WithoutRuntimePrefix(restore.StandardOutput));
    }

    public void Dispose() => _temp.Dispose();

    private static string WithoutRuntimePrefix(string output) =>
        output.StartsWith(KeypadTransmit, StringComparison.Ordinal) ? output[KeypadTransmit.Length..] : output;

    /// <summary>Runs nono with stdin, stdout and stderr on a fresh pty; returns what the terminal received.</summary>
    private Task<ProcessResult> OnTerminalAsync(bool ci, params string[] args)
    {
        Dictionary<string, string> env = new(StringComparer.Ordinal)
        {
            ["XDG_STATE_HOME"] = _temp.Combine("state"),
            ["HOME"] = _temp.Path,
            ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin",
            ["DOTNET_ROOT"] = Path.GetFullPath(Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..")),
            ["TERM"] = "xterm",
        };
        if (ci)
        {
            env["CI"] = "true";
        }

        string command = string.Join(' ', new[] { NonoExecutable.Path }.Concat(args).Select(a => "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));
        return ProcessRunner.RunAsync("script", ["-q", "-e", "-c", command, "/dev/null"], environment: env, cancellationToken: TestContext.Current.CancellationToken);
    }
}
