using System.Text.RegularExpressions;
using Nono.Core.Capabilities;
using Nono.Core.Sandbox;
using Nono.Testing;

namespace Nono.Core.Tests.Sandbox;

/// <summary>
/// The root-only walk made ahead of the plan (<see cref="RootOnlyPrefetch"/>) against the walk the plan makes itself, on a
/// tree the test makes (its own configuration root, small bounds): the same denies in the same order, the same notes, the
/// same budget behaviour; and a walk made for other inputs is never used.
/// </summary>
public sealed partial class SandboxPlannerRootOnlyTests : IAsyncDisposable
{
    private const UnixFileMode Mode600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Mode644 = Mode600 | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode Mode640 = Mode600 | UnixFileMode.GroupRead;
    private const UnixFileMode Mode700 = Mode600 | UnixFileMode.UserExecute;
    private const UnixFileMode Mode711 = Mode700 | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private readonly string _root = Path.Combine(Path.GetTempPath(), $"nono-rootonly-{Guid.NewGuid():N}");

    /// <summary>rm, since .NET cannot name the entry that is not UTF-8.</summary>
    public async ValueTask DisposeAsync()
    {
        ProcessResult removed = await ProcessRunner.RunAsync("rm", ["-rf", _root], cancellationToken: CancellationToken.None);
        Assert.True(removed.ExitCode == 0, removed.ToString());
    }

    /// <summary>
    /// Every budget from none to more than the tree holds, every depth bound, and a walk made ahead with a budget of its
    /// own that is too small, large enough, or far larger: the plan's denies and notes are those of the plan's own walk.
    /// </summary>
    [Fact]
    public async Task Plan_WalkMadeAhead_GivesTheSameDeniesAndNotesAsItsOwnWalk()
    {
        Assert.SkipUnless(ProcessRunner.IsRoot, "the walk looks for entries of uid 0");
        CapabilitySet capabilities = await MakeTree();
        const int MoreThanTheWalksLookAt = 40;
        int compared = 0;
        foreach (int depth in (int[])[1, 2, 3, 8])
        {
            foreach (int aheadBudget in (int[])[3, 20, SandboxPlanner.RootOnlyBudget])
            {
                for (int budget = 0; budget <= MoreThanTheWalksLookAt; budget++)
                {
                    (List<FsDeny> own, List<string> ownNotes) = Walk(capabilities, null, budget, depth);
                    (List<FsDeny> ahead, List<string> aheadNotes) = Walk(capabilities, RootOnlyPrefetch.Start(GrantPaths(capabilities), depth, aheadBudget), budget, depth);

                    string at = $"depth {depth}, budget {budget}, walked ahead with {aheadBudget}";
                    Assert.True(own.SequenceEqual(ahead), $"{at}:\n{string.Join('\n', own)}\n---\n{string.Join('\n', ahead)}");
                    Assert.True(ownNotes.SequenceEqual(aheadNotes), $"{at}:\n{string.Join('\n', ownNotes)}\n---\n{string.Join('\n', aheadNotes)}");
                    compared++;
                }
            }
        }

        // The sweep passes through exhaustion: small budgets leave parts unwalked (denied, with a note).
        (List<FsDeny> exhausted, List<string> notes) = Walk(capabilities, null, 2, 8);
        Assert.Contains(exhausted, d => d.Source.EndsWith(": not walked (root-only check bounds)", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.StartsWith($"root-only check did not finish {_root}", StringComparison.Ordinal));
        Assert.True(compared > 100);
    }

    /// <summary>The tree's denies as the walk has always made them (the order of getdents aside).</summary>
    [Fact]
    public async Task Plan_OwnTree_DeniesWhatOnlyRootReads()
    {
        Assert.SkipUnless(ProcessRunner.IsRoot, "the walk looks for entries of uid 0");
        CapabilitySet capabilities = await MakeTree();

        (List<FsDeny> denies, List<string> notes) = Walk(capabilities, RootOnlyPrefetch.Start(GrantPaths(capabilities), 8), 100, 8);

        string top = $"root-only under {_root} [group:one]";
        string nested = $"root-only under {_root}/a [group:three]";
        string[] expected =
        [
            $"{_root}/secret.key [{top}: mode 600, owner 0:0, not readable by others]",
            $"{_root}/private [{top}: mode 700, owner 0:0, not readable by others]",
            $"{_root}/listonly [{top}: mode 711, owner 0:0, not readable by others]",
            $"{_root}/a/a.key [{top}: mode 600, owner 0:0, not readable by others]",
            $"{_root}/a/b/b.key [{top}: mode 640, owner 0:0, not readable by others]",
            $"{_root}/a/b/c/deep.key [{top}: mode 600, owner 0:0, not readable by others]",
            $"{_root}/sub/file.conf [{top}: mode 600, owner 0:0, not readable by others]",
            $"{_root}/bad [{top}: mode 600, owner 0:0, not readable by others]",
            $"{_root}/a/a.key [{nested}: mode 600, owner 0:0, not readable by others]",
            $"{_root}/a/b/b.key [{nested}: mode 640, owner 0:0, not readable by others]",
            $"{_root}/a/b/c/deep.key [{nested}: mode 600, owner 0:0, not readable by others]",
            $"{_root}/sub/file.conf [root-only under {_root}/sub/file.conf [group:two]: mode 600, owner 0:0, not readable by others]",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), denies.Select(d => $"{d.Path} [{d.Source}]").Order(StringComparer.Ordinal));
        // 26 or 27: the walk of bad/ stops at the name that is not UTF-8, which getdents may list before ok.conf.
        Assert.Matches($"^root-only check: 2[67] entries under {Regex.Escape(_root)} looked at in _ ms, 12 not readable by others denied \\(the command runs as root\\)$", Assert.Single(notes));
    }

    /// <summary>
    /// What the plan takes from a walk made ahead shows in a change made after it: a file made root-only after the walk is
    /// missed when the walk is used (it is the snapshot), and found when the plan walks itself. The plan walks itself
    /// when the walk ahead was for other grants, another depth bound, or more entries than the budget has left.
    /// </summary>
    [Fact]
    public async Task Plan_WalkMadeForOtherInputs_IsNotUsed()
    {
        Assert.SkipUnless(ProcessRunner.IsRoot, "the walk looks for entries of uid 0");
        CapabilitySet capabilities = await MakeTree();
        string changed = Path.Combine(_root, "public.conf");

        (List<FsDeny> same, _) = WalkAfterChange(() => RootOnlyPrefetch.Start(GrantPaths(capabilities), 8), 100, 8);
        (List<FsDeny> otherGrants, _) = WalkAfterChange(() => RootOnlyPrefetch.Start(() => [Path.Combine(_root, "a")], 8), 100, 8);
        (List<FsDeny> otherDepth, _) = WalkAfterChange(() => RootOnlyPrefetch.Start(GrantPaths(capabilities), 3), 100, 8);
        // The walk of the root looks at 19 or 20 entries: with 18 left the plan's own walk runs out, and still sees the change.
        (List<FsDeny> tooFew, _) = WalkAfterChange(() => RootOnlyPrefetch.Start(GrantPaths(capabilities), 8), 18, 8);
        (List<FsDeny> ownWalk, _) = Walk(capabilities, null, 100, 8);

        Assert.DoesNotContain(same, d => d.Path == changed);
        Assert.Contains(otherGrants, d => d.Path == changed);
        Assert.Contains(otherDepth, d => d.Path == changed);
        Assert.Contains(tooFew, d => d.Path == changed);
        Assert.Equal(ownWalk, otherGrants);
        Assert.Equal(ownWalk, otherDepth);

        (List<FsDeny>, List<string>) WalkAfterChange(Func<RootOnlyPrefetch> start, int budget, int depth)
        {
            File.SetUnixFileMode(changed, Mode644);
            RootOnlyPrefetch prefetch = start();
            prefetch.Take([], -1); // waits for the walk ahead; no other input matches it
            File.SetUnixFileMode(changed, Mode600);
            return Walk(capabilities, prefetch, budget, depth);
        }
    }

    private (List<FsDeny> Denies, List<string> Notes) Walk(CapabilitySet capabilities, RootOnlyPrefetch? prefetch, int budget, int depth)
    {
        List<string> notes = [];
        List<FsDeny> denies = SandboxPlanner.RootOnlyDenies(capabilities, notes, prefetch, _root, budget, depth);
        return (denies, notes.Select(n => ElapsedTime().Replace(n, "in _ ms")).ToList());
    }

    private static Func<IEnumerable<string>> GrantPaths(CapabilitySet capabilities) => () => capabilities.Grants.Select(g => g.Path);

    /// <summary>
    /// The tree: files and directories of modes 600, 640, 644, 700, 711 and 755 over three levels, links to a root-only
    /// file and directory, an entry already denied, and a root-only file whose name is not UTF-8. Grants from groups on
    /// the root, a directory and a file below it (walked again), a missing path; one from the command line (not walked).
    /// </summary>
    private async Task<CapabilitySet> MakeTree()
    {
        Directory.CreateDirectory(Path.Combine(_root, "a", "b", "c"));
        Directory.CreateDirectory(Path.Combine(_root, "private"));
        Directory.CreateDirectory(Path.Combine(_root, "listonly"));
        Directory.CreateDirectory(Path.Combine(_root, "sub"));
        Directory.CreateDirectory(Path.Combine(_root, "bad"));
        (string Path, UnixFileMode Mode)[] files =
        [
            ("public.conf", Mode644), ("secret.key", Mode600), ("denied.key", Mode600), ("private/inner.key", Mode600),
            ("listonly/inner.conf", Mode644), ("a/a.key", Mode600), ("a/a.conf", Mode644), ("a/b/b.key", Mode640),
            ("a/b/c/c.conf", Mode644), ("a/b/c/deep.key", Mode600), ("sub/file.conf", Mode600), ("bad/ok.conf", Mode644),
        ];
        foreach ((string path, UnixFileMode mode) in files)
        {
            string full = Path.Combine(_root, path);
            File.WriteAllText(full, "x");
            File.SetUnixFileMode(full, mode);
        }

        File.SetUnixFileMode(Path.Combine(_root, "private"), Mode700);
        File.SetUnixFileMode(Path.Combine(_root, "listonly"), Mode711);
        File.CreateSymbolicLink(Path.Combine(_root, "link.key"), Path.Combine(_root, "secret.key"));
        File.CreateSymbolicLink(Path.Combine(_root, "link.dir"), Path.Combine(_root, "private"));
        ProcessResult bad = await ProcessRunner.RunAsync("/bin/sh", ["-c", "f=\"$1/$(printf '\\377')\"; echo x > \"$f\"; chmod 600 \"$f\"", "sh", Path.Combine(_root, "bad")],
            cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(bad.ExitCode == 0, bad.ToString());
        return new CapabilitySet
        {
            Grants =
            [
                new FsGrant(_root, FsAccess.Read, false, "group:one"),
                new FsGrant(Path.Combine(_root, "sub", "file.conf"), FsAccess.Read, true, "group:two"),
                new FsGrant(Path.Combine(_root, "a"), FsAccess.ReadWrite, false, "group:three"),
                new FsGrant(Path.Combine(_root, "gone"), FsAccess.Read, false, "group:four"),
                new FsGrant(Path.Combine(_root, "public.conf"), FsAccess.Read, true, "cli"),
            ],
            Denies =
            [
                new FsDeny(Path.Combine(_root, "denied.key"), "group:one"),
                new FsDeny(Path.Combine(_root, "a", "b"), "group:one") { WriteOnly = true },
            ],
        };
    }

    [GeneratedRegex(@"in [0-9.]+ ms")]
    private static partial Regex ElapsedTime();
}
