using Nono.Core.Snapshots.Native;
using Nono.Testing;

namespace Nono.Core.Tests.Snapshots;

public sealed class FsTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void OpenBeneath_SymlinkAnywhereOrDotDot_IsRefusedButPlainPathOpens(bool componentWalk)
    {
        using TempDirectory temp = new();
        Directory.CreateDirectory(temp.Combine("root", "a", "b"));
        Directory.CreateDirectory(temp.Combine("outside"));
        File.WriteAllText(temp.Combine("root", "a", "b", "f"), "ok");
        File.CreateSymbolicLink(temp.Combine("root", "link"), temp.Combine("outside"));
        File.CreateSymbolicLink(temp.Combine("root", "a", "rel"), "b");
        using SafeFd root = Fs.OpenDirectory(temp.Combine("root"));

        SafeFd? Open(string path, out int errno) => componentWalk
            ? Fs.TryOpenByComponents(root, path, Interop.O_RDONLY, out errno)
            : Fs.TryOpenBeneath(root, path, Interop.O_RDONLY, out errno);

        using SafeFd? plain = Open("a/b/f", out _);
        using SafeFd? viaAbsolute = Open("link", out int e1);
        using SafeFd? viaRelative = Open("a/rel/f", out int e2);
        using SafeFd? viaDotDot = Open("a/../../outside", out int e3);

        Assert.NotNull(plain);
        Assert.Null(viaAbsolute);
        Assert.Null(viaRelative);
        Assert.Null(viaDotDot);
        Assert.All(new[] { e1, e2, e3 }, e => Assert.NotEqual(0, e));
    }
}
