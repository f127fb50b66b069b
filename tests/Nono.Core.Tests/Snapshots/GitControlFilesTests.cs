using Nono.Core.Snapshots;
using Nono.Testing;

namespace Nono.Core.Tests.Snapshots;

/// <summary>What the supervisor compares around a run: git's code-running files, read without following links.</summary>
public sealed class GitControlFilesTests
{
    [Fact]
    public async Task ConfigHookAndCommondirChanges_AreSeen_ObjectsRefsAndIndexAreNot()
    {
        using TempDirectory repo = new("nono-gitctl-");
        await Git(repo.Path, "init", "-q");
        IReadOnlyDictionary<string, string> before = GitControlFiles.Fingerprint(repo.Path);

        // What a commit touches: objects, refs, logs, index, COMMIT_EDITMSG.
        File.WriteAllText(repo.Combine("a.txt"), "a\n");
        await Git(repo.Path, "add", "a.txt");
        await Git(repo.Path, "-c", "user.email=t@example.invalid", "-c", "user.name=t", "commit", "-qm", "c");
        IReadOnlyDictionary<string, string> afterCommit = GitControlFiles.Fingerprint(repo.Path);

        await Git(repo.Path, "config", "core.fsmonitor", "true");
        File.WriteAllText(repo.Combine(".git", "hooks", "pre-commit"), "#!/bin/sh\n");
        File.WriteAllText(repo.Combine(".git", "commondir"), "/elsewhere\n");
        IReadOnlyDictionary<string, string> afterAttack = GitControlFiles.Fingerprint(repo.Path);

        Assert.Empty(GitControlFiles.Changes(before, afterCommit));
        Assert.Equal(
            [(".git/commondir", false, true), (".git/config", true, true), (".git/hooks/pre-commit", false, true)],
            GitControlFiles.Changes(afterCommit, afterAttack).Select(c => (c.Path, c.Before is not null, c.After is not null)));
    }

    [Fact]
    public async Task LinksAreNotFollowed_FifosDoNotBlock_AndACreatedGitDirectoryIsSeen()
    {
        using TempDirectory work = new("nono-gitctl-");
        string secret = work.Combine("secret.txt");
        File.WriteAllText(secret, "first");
        IReadOnlyDictionary<string, string> before = GitControlFiles.Fingerprint(work.Path);

        Directory.CreateDirectory(work.Combine(".git", "hooks"));
        File.CreateSymbolicLink(work.Combine(".git", "config"), secret);
        Assert.Equal(0, (await ProcessRunner.RunAsync("mkfifo", [work.Combine(".git", "hooks", "post-checkout")], cancellationToken: TestContext.Current.CancellationToken)).ExitCode);
        IReadOnlyDictionary<string, string> first = GitControlFiles.Fingerprint(work.Path);
        File.WriteAllText(secret, "second"); // the link's target is not the repository's: not part of the fingerprint
        IReadOnlyDictionary<string, string> second = GitControlFiles.Fingerprint(work.Path);

        Assert.Equal("absent", before[".git"]);
        Assert.StartsWith("dir ", first[".git"], StringComparison.Ordinal);
        Assert.Equal("link " + secret, first[".git/config"]);
        Assert.StartsWith("fifo", first[".git/hooks/post-checkout"], StringComparison.Ordinal);
        Assert.Contains(GitControlFiles.Changes(before, first), c => c.Path == ".git" && c.Before is null);
        Assert.Empty(GitControlFiles.Changes(first, second));
    }

    private static async Task Git(string directory, params string[] args)
    {
        ProcessResult result = await ProcessRunner.RunAsync("git", ["-C", directory, .. args], cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(result.ExitCode == 0, result.ToString());
    }
}
