using Nono.Core.Snapshots;
using Nono.Testing;

namespace Nono.Core.Tests.Snapshots;

/// <summary>Checkouts under writable roots and gitdir targets are fingerprinted; changes go back only where they were.</summary>
public sealed class GitControlBaselineTests
{
    [Fact]
    public async Task NestedCheckoutAndGitdirTarget_AreCovered_DeeperThanTheBoundIsNot()
    {
        using TempDirectory work = new("nono-gitbase-");
        Directory.CreateDirectory(work.Combine("a", "b"));
        Directory.CreateDirectory(work.Combine("1", "2", "3", "4"));
        await Git(work.Combine("a", "b"), "init", "-q");
        await Git(work.Combine("1", "2", "3", "4"), "init", "-q");
        await Git(work.Path, "init", "-q", "--separate-git-dir=" + work.Combine("store"), work.Combine("wt"));

        IReadOnlyDictionary<string, string> found = GitControlFiles.Fingerprint(work.Path, [work.Path]);

        Assert.Contains("a/b/.git/config", found.Keys);
        Assert.Contains("wt/.git", found.Keys);
        Assert.Contains("store/config", found.Keys);
        Assert.DoesNotContain("1/2/3/4/.git/config", found.Keys); // depth 4: beyond GitControlFiles.ScanDepth
    }

    [Fact]
    public async Task Restore_PutsBackConfigAndHooks_RemovesWhatWasAdded()
    {
        using TempDirectory work = new("nono-gitbase-");
        await Git(work.Path, "init", "-q");
        string config = File.ReadAllText(work.Combine(".git", "config"));
        GitControlBaseline baseline = GitControlBaseline.Capture(work.Path, [work.Path]);

        await Git(work.Path, "config", "core.fsmonitor", "touch /tmp/x");
        File.WriteAllText(work.Combine(".git", "hooks", "post-checkout"), "#!/bin/sh\n");
        File.CreateSymbolicLink(work.Combine(".git", "info", "attributes"), "/etc/passwd");
        var changes = GitControlFiles.Changes(baseline.Fingerprint, GitControlFiles.Fingerprint(work.Path, [work.Path]));
        IReadOnlyDictionary<string, string> outcomes = baseline.Restore(changes);

        Assert.Equal(3, changes.Count);
        Assert.All(outcomes.Values, o => Assert.StartsWith("restored", o, StringComparison.Ordinal));
        Assert.Equal(config, File.ReadAllText(work.Combine(".git", "config")));
        Assert.False(File.Exists(work.Combine(".git", "hooks", "post-checkout")));
        Assert.Null(new FileInfo(work.Combine(".git", "info", "attributes")).LinkTarget);
        Assert.Empty(GitControlFiles.Changes(baseline.Fingerprint, GitControlFiles.Fingerprint(work.Path, [work.Path])));
    }

    [Fact]
    public async Task Restore_IntoASwappedDirectory_IsRefused()
    {
        using TempDirectory work = new("nono-gitbase-");
        await Git(work.Path, "init", "-q");
        GitControlBaseline baseline = GitControlBaseline.Capture(work.Path, [work.Path]);

        Directory.Move(work.Combine(".git"), work.Combine("moved"));
        Directory.CreateDirectory(work.Combine(".git"));
        File.WriteAllText(work.Combine(".git", "config"), "[core]\n\tfsmonitor = evil\n");
        var changes = GitControlFiles.Changes(baseline.Fingerprint, GitControlFiles.Fingerprint(work.Path, [work.Path]));
        IReadOnlyDictionary<string, string> outcomes = baseline.Restore(changes);

        Assert.StartsWith("not restored: .git is not the directory it was", outcomes[".git/config"], StringComparison.Ordinal);
        Assert.Equal("[core]\n\tfsmonitor = evil\n", File.ReadAllText(work.Combine(".git", "config")));
        Assert.False(File.Exists(work.Combine(".git", "hooks", "pre-commit.sample")));
    }

    [Fact]
    public async Task Restore_RepositoryMadeDuringTheRun_IsSetAsideWithItsObjectsNotDeleted()
    {
        using TempDirectory work = new("nono-gitbase-");
        Directory.CreateDirectory(work.Combine("made"));
        GitControlBaseline baseline = GitControlBaseline.Capture(work.Path, [work.Path]);

        await Git(work.Combine("made"), "init", "-q");
        File.WriteAllText(work.Combine("made", "a.txt"), "work\n");
        await Git(work.Combine("made"), "add", "a.txt");
        await Git(work.Combine("made"), "-c", "user.name=t", "-c", "user.email=t@example.test", "commit", "-q", "-m", "work");
        File.WriteAllText(work.Combine("made", ".git", "config"), "[core]\n\tfsmonitor = evil\n");
        IReadOnlyDictionary<string, string> outcomes = baseline.Restore(GitControlFiles.Changes(baseline.Fingerprint, GitControlFiles.Fingerprint(work.Path, [work.Path])));

        Assert.StartsWith("restored: moved aside to .git.nono-quarantine-", outcomes["made/.git"], StringComparison.Ordinal);
        Assert.False(Directory.Exists(work.Combine("made", ".git")));
        string aside = Assert.Single(Directory.GetDirectories(work.Combine("made"), ".git.nono-quarantine-*"));
        Assert.True(Directory.EnumerateFiles(Path.Combine(aside, "objects"), "*", SearchOption.AllDirectories).Count() >= 3); // blob, tree, commit kept
        Assert.Equal("work\n", File.ReadAllText(work.Combine("made", "a.txt")));
    }

    private static async Task Git(string directory, params string[] args)
    {
        ProcessResult r = await ProcessRunner.RunAsync("git", ["-c", "safe.directory=*", "-C", directory, .. args], cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(r.ExitCode == 0, r.ToString());
    }
}
