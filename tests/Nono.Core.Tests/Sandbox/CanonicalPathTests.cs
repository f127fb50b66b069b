using Nono.Core.Sandbox;
using Nono.Testing;

namespace Nono.Core.Tests.Sandbox;

public sealed class CanonicalPathTests
{
    [Fact]
    public void Resolve_LinksAndDots_GivesRealPath()
    {
        using TempDirectory dir = new();
        string real = CanonicalPath.Resolve(dir.Path, "/")!;
        Directory.CreateDirectory(dir.Combine("a", "b"));
        File.CreateSymbolicLink(dir.Combine("l"), "a/b");
        File.CreateSymbolicLink(dir.Combine("up"), "l/..");

        Assert.Equal(Path.Combine(real, "a", "b"), CanonicalPath.Resolve("l", dir.Path));
        Assert.Equal(Path.Combine(real, "a"), CanonicalPath.Resolve(dir.Combine("up"), "/")); // '..' after the link, like the kernel
        Assert.Equal(Path.Combine(real, "a"), CanonicalPath.Resolve("./a/b/../", dir.Path));
    }

    [Fact]
    public void Resolve_Missing_ReturnsNull()
    {
        Assert.Null(CanonicalPath.Resolve("/nono-definitely/missing", "/"));
    }
}
