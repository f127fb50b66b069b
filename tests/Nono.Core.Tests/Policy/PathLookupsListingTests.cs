using Nono.Core.Policy;
using Nono.Testing;

namespace Nono.Core.Tests.Policy;

/// <summary>
/// A resolution lists a directory once two of its names were looked up, and then answers a name the listing does not
/// hold without a lookup of its own (a home directory: about a hundred denied dot files, most absent). These pin that
/// every answer stays the one a lookup of each name gives, links above all, and that no listing is trusted where it
/// does not name every entry (procfs).
/// </summary>
public sealed class PathLookupsListingTests
{
    [Fact]
    public void Canonicalize_DirectoryListedAfterTwoLookups_SameResultsAsALookupPerName()
    {
        using TempDirectory temp = new();
        Directory.CreateDirectory(temp.Combine("d", "e"));
        File.WriteAllText(temp.Combine("d", "f"), "x");
        File.CreateSymbolicLink(temp.Combine("dangling"), temp.Combine("nowhere", "z"));
        File.CreateSymbolicLink(temp.Combine("tofile"), temp.Combine("d", "f"));
        Directory.CreateSymbolicLink(temp.Combine("chain1"), "chain2");
        Directory.CreateSymbolicLink(temp.Combine("chain2"), temp.Combine("d"));
        Directory.CreateSymbolicLink(temp.Combine("d", "up"), "..");
        string[] paths =
        [
            temp.Combine("missing1"), temp.Combine("missing2"), temp.Combine("missing3", "x"), // the directory is listed here
            temp.Combine("d", "e"), temp.Combine("d", "f"), temp.Combine("dangling"), temp.Combine("dangling", "q"),
            temp.Combine("tofile"), temp.Combine("tofile", "q"), temp.Combine("chain1", "e", "..", "f"), temp.Combine("d", "f", "g"),
            temp.Combine("d", "missing"), temp.Combine("d", "up", "tofile"), temp.Combine("missing"), temp.Combine("missing", "..", "d"),
        ];

        PathLookups shared = new();
        foreach (string path in paths)
        {
            Assert.Equal(PolicyPath.Canonicalize(path), PolicyPath.Canonicalize(path, shared));
        }

        Assert.Equal(File.ResolveLinkTarget(temp.Combine("tofile"), false)?.FullName, shared.LinkTargetOrNull(temp.Combine("tofile")));
        Assert.Equal((true, false), shared.KindIfLookedUp(temp.Combine("d", "e")));
        Assert.Equal((false, true), shared.KindIfLookedUp(temp.Combine("d", "f")));
    }

    [Fact]
    public void Exists_NameNotInTheListing_AnsweredFromIt()
    {
        // Within one resolution the first look counts (as for a name looked up before): a name made after the listing is
        // absent for it, which shows the listing answered; a name it holds is still looked up (its link target read).
        using TempDirectory temp = new();
        File.WriteAllText(temp.Combine("present"), "x");
        File.CreateSymbolicLink(temp.Combine("link"), temp.Combine("present"));
        PathLookups lookups = new();

        Assert.True(lookups.Exists(temp.Combine("present")));
        Assert.False(lookups.Exists(temp.Combine("absent1"))); // second answer: the directory is listed now
        File.WriteAllText(temp.Combine("later"), "x");

        Assert.False(lookups.Exists(temp.Combine("later")));
        Assert.True(new PathLookups().Exists(temp.Combine("later")));
        Assert.Equal(temp.Combine("present"), lookups.LinkTargetOrNull(temp.Combine("link")));
        Assert.True(lookups.Exists(temp.Combine("link")));
    }

    [Fact]
    public void Exists_ProcfsNameThatOnlyALookupFinds_Found()
    {
        // /proc lists processes, not their other threads, though /proc/<tid> finds them: procfs is never listed.
        int pid = Environment.ProcessId;
        string? tid = Directory.GetDirectories($"/proc/{pid}/task").Select(Path.GetFileName).FirstOrDefault(t => t != pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.NotNull(tid); // the test host always runs more than one thread
        Assert.DoesNotContain(tid, Directory.GetDirectories("/proc").Select(Path.GetFileName));
        PathLookups lookups = new();

        Assert.True(lookups.Exists("/proc/self"));
        Assert.False(lookups.Exists("/proc/no-such-entry"));
        Assert.False(lookups.Exists("/proc/no-such-entry-2"));

        Assert.True(lookups.Exists($"/proc/{tid}"));
    }
}
