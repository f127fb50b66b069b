using Nono.Core.Snapshots.Native;
using Nono.Testing;

namespace Nono.Core.Tests.Snapshots;

/// <summary>
/// Fs.TryOpenAnonymous / TryLinkAnonymous on the real kernel, through AT_EMPTY_PATH when the test host may use it and
/// through /proc/self/fd (the route of a process without CAP_DAC_READ_SEARCH, as on hosted runners) when forced. Either
/// route names a complete file, and never follows or replaces whatever is at the name.
/// </summary>
[Collection(AnonymousLinkRoute.Name)]
public sealed class AnonymousFileTests
{
    public static TheoryData<bool> Routes => [false, true];

    [Theory]
    [MemberData(nameof(Routes))]
    public void Link_FreeName_NamesTheCompleteFile(bool throughProc)
    {
        using TempDirectory temp = new("nono-anon-");
        using AnonymousLinkRoute route = new(throughProc);
        using SafeFd dir = Fs.OpenDirectory(temp.Path);
        using SafeFd? file = Fs.TryOpenAnonymous(dir, 0x1A4);
        Assert.NotNull(file);
        Fs.WriteAll(file, "content"u8);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path)); // nothing can see it yet

        Assert.Equal(0, Fs.TryLinkAnonymous(file, dir, "named.txt"));
        Assert.Equal("content", File.ReadAllText(temp.Combine("named.txt")));
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public void Link_NameTaken_ReturnsEexistAndLeavesTheTargetUntouched(bool throughProc)
    {
        using TempDirectory temp = new("nono-anon-");
        using AnonymousLinkRoute route = new(throughProc);
        string outside = temp.Combine("outside.txt");
        File.WriteAllText(outside, "outside");
        File.WriteAllText(temp.Combine("file"), "existing");
        Directory.CreateDirectory(temp.Combine("dir", "inner"));
        File.CreateSymbolicLink(temp.Combine("link"), outside);
        File.CreateSymbolicLink(temp.Combine("dangling"), temp.Combine("nowhere"));

        using SafeFd dir = Fs.OpenDirectory(temp.Path);
        foreach (string name in (string[])["file", "dir", "link", "dangling"])
        {
            using SafeFd? file = Fs.TryOpenAnonymous(dir, 0x1A4);
            Assert.NotNull(file);
            Fs.WriteAll(file, "attacker-visible?"u8);
            Assert.Equal((int)Interop.Errno.EEXIST, Fs.TryLinkAnonymous(file, dir, name));
        }

        Assert.Equal("existing", File.ReadAllText(temp.Combine("file")));
        Assert.Equal(["inner"], Directory.EnumerateFileSystemEntries(temp.Combine("dir")).Select(Path.GetFileName));
        Assert.Equal(outside, new FileInfo(temp.Combine("link")).LinkTarget);
        Assert.Equal("outside", File.ReadAllText(outside));
        Assert.Equal(temp.Combine("nowhere"), new FileInfo(temp.Combine("dangling")).LinkTarget);
        Assert.False(File.Exists(temp.Combine("nowhere"))); // the dangling symlink was not followed to create its target
    }
}

/// <summary>Forces (or not) the /proc/self/fd link route for one test; tests that switch it run one at a time.</summary>
internal sealed class AnonymousLinkRoute : IDisposable
{
    public const string Name = "anonymous link route";

    public AnonymousLinkRoute(bool throughProc)
    {
        if (throughProc)
        {
            Fs.ForceProcLink(true);
        }
    }

    public void Dispose() => Fs.ForceProcLink(false);
}
