using Nono.Core.Policy;
using Nono.Testing;

namespace Nono.Core.Tests.Policy;

public sealed class PolicyPathTests
{
    [Theory]
    [InlineData("/home/u", "/home", true)]
    [InlineData("/home", "/home", true)]
    [InlineData("/homeevil", "/home", false)]
    [InlineData("/homeevil/x", "/home", false)]
    [InlineData("/home", "/home/u", false)]
    [InlineData("/anything", "/", true)]
    [InlineData("/home/u/", "/home/u", true)]
    [InlineData("/home/user2", "/home/user", false)]
    public void IsWithin_ComparesWholeComponents(string path, string root, bool expected)
    {
        Assert.Equal(expected, PolicyPath.IsWithin(path, root));
    }

    [Fact]
    public void Canonicalize_ResolvesLinksInTheMiddleAndDotDotAfterThem()
    {
        using TempDirectory temp = new();
        string real = Directory.CreateDirectory(temp.Combine("a", "b", "c")).FullName;
        Directory.CreateSymbolicLink(temp.Combine("link"), temp.Combine("a", "b"));

        string viaLink = PolicyPath.Canonicalize(temp.Combine("link", "c", "missing", "file"));
        string dotDot = PolicyPath.Canonicalize(temp.Combine("link", ".."));

        Assert.Equal(Path.Combine(PolicyPath.Canonicalize(real), "missing", "file"), viaLink);

        // The kernel applies ".." to the link's target (a/b), giving a; lexical cleanup would give the temp root.
        Assert.Equal(PolicyPath.Canonicalize(temp.Combine("a")), dotDot);
    }

    [Fact]
    public void Canonicalize_SharedLookups_GiveTheUncachedResultsAndAreReused()
    {
        using TempDirectory temp = new();
        Directory.CreateDirectory(temp.Combine("a", "b", "c"));
        Directory.CreateSymbolicLink(temp.Combine("link"), temp.Combine("a", "b"));
        Directory.CreateSymbolicLink(temp.Combine("a", "rel"), "b/c");
        string[] paths =
        [
            temp.Combine("link", "c"), temp.Combine("link", ".."), temp.Combine("a", "rel", "x"), temp.Combine("missing", "y"),
            temp.Combine("link", "c", "missing"), temp.Path, "/proc/self/status", "/",
        ];
        PathLookups lookups = new();
        string[] uncached = [.. paths.Select(PolicyPath.Canonicalize), .. paths.Select(PolicyPath.Canonicalize)];

        string[] cached = [.. paths.Select(p => PolicyPath.Canonicalize(p, lookups)), .. paths.Select(p => PolicyPath.Canonicalize(p, lookups))];
        Directory.Delete(temp.Combine("link"));
        string afterRemoval = PolicyPath.Canonicalize(temp.Combine("link", "c"), lookups);

        Assert.Equal(uncached, cached);
        // Within one resolution the first look at a component is the one that counts.
        Assert.Equal(cached[0], afterRemoval);
        Assert.NotEqual(afterRemoval, PolicyPath.Canonicalize(temp.Combine("link", "c")));
    }

    [Fact]
    public void Canonicalize_OneLstatPerComponent_SameAsReadlinkAndStat()
    {
        // PathLookups answers from one lstat per component (readlink only for a link); the uncached path still makes
        // the readlink and the stat. Every kind of component: directory, file, dangling link, link to a file, a chain of
        // links, a file used as a directory, a missing name, a link whose target is missing.
        using TempDirectory temp = new();
        Directory.CreateDirectory(temp.Combine("d", "e"));
        File.WriteAllText(temp.Combine("d", "f"), "x");
        File.CreateSymbolicLink(temp.Combine("dangling"), temp.Combine("nowhere", "z"));
        File.CreateSymbolicLink(temp.Combine("tofile"), temp.Combine("d", "f"));
        Directory.CreateSymbolicLink(temp.Combine("chain1"), "chain2");
        Directory.CreateSymbolicLink(temp.Combine("chain2"), temp.Combine("d"));
        string[] paths =
        [
            temp.Combine("d", "e"), temp.Combine("d", "f"), temp.Combine("dangling"), temp.Combine("dangling", "q"),
            temp.Combine("tofile"), temp.Combine("tofile", "q"), temp.Combine("chain1", "e", "..", "f"), temp.Combine("d", "f", "g"),
            temp.Combine("missing"), temp.Combine("missing", "..", "d"),
        ];

        foreach (string path in paths)
        {
            Assert.Equal(PolicyPath.Canonicalize(path), PolicyPath.Canonicalize(path, new PathLookups()));
        }
    }

    [Fact]
    public void Canonicalize_RelativeLinkTarget_ResolvedFromLinkDirectory()
    {
        using TempDirectory temp = new();
        Directory.CreateDirectory(temp.Combine("x", "target"));
        File.CreateSymbolicLink(temp.Combine("x", "rel"), "target");

        Assert.Equal(PolicyPath.Canonicalize(temp.Combine("x", "target")), PolicyPath.Canonicalize(temp.Combine("x", "rel")));
    }

    [Fact]
    public void Canonicalize_LinkLoop_Throws()
    {
        using TempDirectory temp = new();
        File.CreateSymbolicLink(temp.Combine("l1"), temp.Combine("l2"));
        File.CreateSymbolicLink(temp.Combine("l2"), temp.Combine("l1"));

        Assert.Throws<IOException>(() => PolicyPath.Canonicalize(temp.Combine("l1", "x")));
    }

    [Fact]
    public void Canonicalize_RelativePath_Throws()
    {
        Assert.Throws<ArgumentException>(() => PolicyPath.Canonicalize("relative"));
    }

    [Theory]
    [InlineData("/proc/self/fd")]
    [InlineData("/proc/self")]
    [InlineData("/proc/thread-self/status")]
    public void Canonicalize_ProcMagicLinks_StayAsWritten(string path)
    {
        Assert.Equal(path, PolicyPath.Canonicalize(path));
    }
}
