using System.Text.RegularExpressions;
using Nono.Core.Snapshots;
using Nono.Testing;

namespace Nono.Action.Tests.ActionMode;

/// <summary>
/// With runner.temp granted to the sandbox, the command can read GITHUB_OUTPUT there and plant the session folder nono
/// will write (a link to a folder of its choosing). The folder is made after the command, under a fresh unguessable name,
/// and filled by descriptor; nothing is written through what the command left.
/// </summary>
public sealed partial class ActionArtifactFolderTests
{
    // Reads every artifact-dir the step announced so far and plants a link there (and on the old, predictable name).
    private const string PlantLinks =
        "mkdir -p \"$RUNNER_TEMP/decoy\"; " +
        "for d in $(grep -A1 '^artifact-dir<<' \"$RUNNER_TEMP/output\" | grep \"^$RUNNER_TEMP/nono-artifact-\"); do ln -s decoy \"$d\" && echo planted; done; " +
        "echo done";

    // The ci profile denies $RUNNER_TEMP/_runner_file_commands, which leaves no entry creatable directly in a granted
    // runner.temp; the default profile (or any custom one) does not.
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task GrantedRunnerTemp_PlantedLinks_AreNeverWrittenThrough(TestUser user)
    {
        Assert.SkipUnless(user == TestUser.Current || ProcessRunner.IsRoot, "running as uid 65534 needs root");
        using ActionStep runner = new(user);
        runner.JobEnvironment["NONO_ALLOW"] = runner.RunnerTemp;

        (ProcessResult step, ProcessResult gate, Dictionary<string, string> outputs) = await runner.RunAsync(new() { ["run"] = PlantLinks, ["profile"] = "default" });

        Assert.True(step.ExitCode == 0, step.ToString());
        Assert.Equal(0, gate.ExitCode);
        Assert.Contains("done", step.StandardOutput, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(runner.RunnerTemp, "decoy")));
        string folder = outputs["artifact-dir"];
        Assert.Matches(FolderName(), Path.GetFileName(folder));
        Assert.Equal(PathKind.Directory, NoFollowDirectory.KindOfPath(folder));
        Assert.Equal(PathKind.Regular, NoFollowDirectory.KindOfPath(Path.Combine(folder, "report.md")));
        Assert.Equal(PathKind.Regular, NoFollowDirectory.KindOfPath(Path.Combine(folder, "audit", outputs["session-id"], "session.json")));
    }

    [Fact]
    public void NoFollowDirectory_RefusesLinksAndExistingNames()
    {
        using TempDirectory root = new("nono-nofollow-");
        string target = root.Combine("target");
        Directory.CreateDirectory(target);
        File.CreateSymbolicLink(root.Combine("linked-dir"), target);
        File.CreateSymbolicLink(root.Combine("linked-file"), Path.Combine(target, "written"));
        using NoFollowDirectory dir = NoFollowDirectory.Open(root.Path);

        Assert.ThrowsAny<Exception>(() => dir.CreateDirectory("linked-dir").Dispose());
        Assert.ThrowsAny<Exception>(() => dir.WriteNewFile("linked-file", "x"u8));
        Assert.Empty(Directory.EnumerateFileSystemEntries(target));
        Assert.Equal(PathKind.Symlink, dir.KindOf("linked-dir"));
        Assert.Equal(PathKind.Missing, NoFollowDirectory.KindOfPath(root.Combine("missing", "x")));

        // The legitimate path: a fresh folder, a subfolder and a file in it.
        (NoFollowDirectory made, string name) = dir.CreateUniqueDirectory("made-");
        using (made)
        {
            using NoFollowDirectory sub = made.CreateDirectory("sub");
            sub.WriteNewFile("f", "content"u8);
        }

        Assert.Equal("content", File.ReadAllText(root.Combine(name, "sub", "f")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(root.Combine(name)));
    }

    [GeneratedRegex("^nono-artifact-[0-9]{8}T[0-9]{6}Z.*-[0-9a-f]{16}$")]
    private static partial Regex FolderName();
}
