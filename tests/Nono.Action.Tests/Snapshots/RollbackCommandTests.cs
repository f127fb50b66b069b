using System.Text.Json;
using Nono.Action.Cli;
using Nono.Testing;

namespace Nono.Action.Tests.Snapshots;

public sealed class RollbackCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new("nono-cli-");

    public RollbackCommandTests()
    {
        Directory.CreateDirectory(Root);
    }

    private string Root => _temp.Combine("ws");

    [Fact]
    public async Task SnapshotListShowRestoreVerify_FullCycle_RestoresBaselineWithJsonOutputs()
    {
        File.WriteAllText(Path.Combine(Root, "a.txt"), "alpha\n");
        string baseline = await TreeListing.CaptureAsync(Root);
        Assert.Equal(0, Run(out _, out _, "session", "snapshot", "--session", "s1", "--label", "baseline", Root));
        File.WriteAllText(Path.Combine(Root, "a.txt"), "beta\n");
        File.WriteAllText(Path.Combine(Root, "b.txt"), "new\n");
        Assert.Equal(0, Run(out _, out _, "session", "snapshot", "--session", "s1", "--label", "final"));

        Assert.Equal(0, Run(out string list, out _, "rollback", "list", "--json"));
        Assert.Equal(0, Run(out string show, out _, "rollback", "show", "s1", "--diff", "--json"));
        Assert.Equal(0, Run(out string text, out _, "session", "diff"));
        Assert.Equal(0, Run(out string dry, out _, "rollback", "restore", "s1", "--dry-run"));
        string afterDry = await TreeListing.CaptureAsync(Root);
        Assert.Equal(0, Run(out string restored, out _, "rollback", "restore", "s1"));
        Assert.Equal(0, Run(out string verified, out string quiet, "rollback", "verify", "s1"));

        using JsonDocument sessions = JsonDocument.Parse(list);
        Assert.Equal("s1", Assert.Single(sessions.RootElement.EnumerateArray()).GetProperty("id").GetString());
        using JsonDocument report = JsonDocument.Parse(show);
        Assert.Equal(2, report.RootElement.GetProperty("session").GetProperty("snapshots").GetArrayLength());
        Assert.Equal(1, report.RootElement.GetProperty("diff").GetProperty("created").GetInt32());
        Assert.Contains("-alpha\n+beta\n", text, StringComparison.Ordinal);
        Assert.Contains("delete", dry, StringComparison.Ordinal);
        Assert.NotEqual(baseline, afterDry);
        Assert.Equal(baseline, await TreeListing.CaptureAsync(Root));
        Assert.StartsWith("restored session s1 to snapshot 0: 1 files written", restored, StringComparison.Ordinal);
        Assert.Contains("2 snapshots and 3 objects verified", verified, StringComparison.Ordinal);
        Assert.Equal("", quiet); // CI: no progress lines, only the one-line summary on stdout
    }

    /// <summary>
    /// Review S-B: file contents and names written by the sandboxed process reach the terminal only through TerminalText
    /// (before, an appended "clear screen + fake status line" was printed raw), and a diff without a final newline does
    /// not run into the next line. The ordinary diff still shows.
    /// </summary>
    [Fact]
    public void DiffAndShowAndDryRun_EscapesInContentsAndNames_PrintNoControlCharacters()
    {
        File.WriteAllText(Path.Combine(Root, "a.txt"), "alpha\n");
        Assert.Equal(0, Run(out _, out _, "session", "snapshot", "--session", "s1", "--label", "baseline", Root));
        File.AppendAllText(Path.Combine(Root, "a.txt"), "beta\n\u001b[2J\u001b[Hnono: session verified, no changes");
        File.WriteAllText(Path.Combine(Root, "b\u001b[31m.txt"), "new\n");
        Assert.Equal(0, Run(out _, out _, "session", "snapshot", "--session", "s1", "--label", "final"));

        Assert.Equal(0, Run(out string diff, out _, "session", "diff"));
        Assert.Equal(0, Run(out string show, out _, "rollback", "show", "s1", "--diff"));
        Assert.Equal(0, Run(out string dry, out _, "rollback", "restore", "s1", "--dry-run"));

        foreach (string output in new[] { diff, show, dry })
        {
            Assert.DoesNotContain(output, c => char.IsControl(c) && c != '\n');
        }

        Assert.Contains("+beta\n", diff, StringComparison.Ordinal);
        Assert.Contains("?[2J?[Hnono: session verified, no changes", diff, StringComparison.Ordinal);
        Assert.Contains("/b\\x1b[31m.txt (+4 bytes)", diff, StringComparison.Ordinal); // the snapshot already escapes names
        Assert.Contains("\n1 created, 1 modified, 0 deleted", diff, StringComparison.Ordinal);
        Assert.Contains("?[2J?[Hnono: session verified", show, StringComparison.Ordinal);
        Assert.Contains("delete   " + Root + "/b\\x1b[31m.txt", dry, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rollback", "show", "nope")]
    [InlineData("rollback", "restore", "../../etc")]
    [InlineData("rollback", "verify", "missing-session")]
    [InlineData("session", "rollback")]
    public void Commands_BadOrUnknownId_OneLineErrorExitOne(params string[] args)
    {
        int code = Run(out string output, out string error, args);

        Assert.Equal(ExitCodes.NonoError, code);
        Assert.Equal("", output);
        Assert.StartsWith("nono: ", error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void Restore_SnapshotOutOfRange_OneLineError()
    {
        Assert.Equal(0, Run(out _, out _, "session", "snapshot", "--session", "s1", Root));

        int code = Run(out _, out string error, "rollback", "restore", "s1", "--snapshot", "5");

        Assert.Equal(ExitCodes.NonoError, code);
        Assert.Equal("nono: session 's1' has no snapshot 5 (it has 1)\n", error);
    }

    [Fact]
    public void Verify_CorruptObject_ExitOneListingTheProblem()
    {
        File.WriteAllText(Path.Combine(Root, "a.txt"), "content to corrupt");
        Assert.Equal(0, Run(out _, out _, "session", "snapshot", "--session", "s1", Root));
        string obj = Directory.EnumerateFiles(_temp.Combine("state", "nono", "objects"), "*", SearchOption.AllDirectories).Single(f => f.EndsWith(".pack", StringComparison.Ordinal)); // small objects are packed
        File.WriteAllBytes(obj, [1, 2, 3]);

        int code = Run(out _, out string error, "rollback", "verify", "s1");

        Assert.Equal(ExitCodes.NonoError, code);
        Assert.Contains("corrupt", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TestUser.Nobody)]
    [InlineData(TestUser.Current)]
    public async Task Snapshot_UnreadableFile_FailsForNobodyButWorksForRoot(TestUser user)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        Assert.SkipUnless(ProcessRunner.IsRoot, "needs root to set up both users");
        File.SetUnixFileMode(_temp.Path, (UnixFileMode)0b111_101_101);
        File.WriteAllText(Path.Combine(Root, "secret"), "unreadable to nobody");
        File.SetUnixFileMode(Path.Combine(Root, "secret"), UnixFileMode.None);
        Directory.CreateDirectory(_temp.Combine("state"));
        Assert.Equal(0, (await ProcessRunner.RunAsync("chown", ["-R", "65534:65534", _temp.Combine("state")], cancellationToken: ct)).ExitCode);
        Dictionary<string, string> env = new(StringComparer.Ordinal)
        {
            ["XDG_STATE_HOME"] = _temp.Combine("state"),
            ["DOTNET_ROOT"] = Path.GetFullPath(Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..")),
            ["CI"] = "true",
        };

        ProcessResult result = await ProcessRunner.RunAsync(NonoExecutable.Path, ["session", "snapshot", "--session", "s", Root], user, env, cancellationToken: ct);

        if (user == TestUser.Nobody)
        {
            Assert.Equal(1, result.ExitCode);
            Assert.Equal("nono: open secret: Permission denied\n", result.StandardError);
        }
        else
        {
            Assert.True(result.ExitCode == 0, result.ToString());
        }
    }

    [Fact]
    public void Cleanup_KeepOne_RemovesOlderSessionsAndReportsSummary()
    {
        Assert.Equal(0, Run(out _, out _, "session", "snapshot", "--session", "old", Root));
        Assert.Equal(0, Run(out _, out _, "session", "snapshot", "--session", "new", Root));

        Assert.Equal(0, Run(out string dry, out _, "rollback", "cleanup", "--keep", "1", "--dry-run"));
        Assert.Equal(0, Run(out string json, out _, "rollback", "cleanup", "--keep", "1", "--json"));
        Assert.Equal(0, Run(out string list, out _, "rollback", "list"));

        Assert.Contains("would remove session old", dry, StringComparison.Ordinal);
        using JsonDocument doc = JsonDocument.Parse(json);
        Assert.Equal("old", Assert.Single(doc.RootElement.GetProperty("removedSessions").EnumerateArray()).GetString());
        Assert.StartsWith("new ", list, StringComparison.Ordinal);
    }

    public void Dispose() => _temp.Dispose();

    private int Run(out string output, out string error, params string[] args)
    {
        using StringWriter stdout = new();
        using StringWriter stderr = new();
        Dictionary<string, string> env = new(StringComparer.Ordinal) { ["XDG_STATE_HOME"] = _temp.Combine("state"), ["CI"] = "true" };
        int code = NonoCli.Run(args, new CliContext(stdout, stderr, env, _temp.Path));
        output = stdout.ToString().ReplaceLineEndings("\n");
        error = stderr.ToString().ReplaceLineEndings("\n");
        return code;
    }
}
