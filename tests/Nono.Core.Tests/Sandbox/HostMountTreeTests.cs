using Nono.Core.Sandbox;

namespace Nono.Core.Tests.Sandbox;

/// <summary>
/// The plan's mount and deny lookups compare paths normalised once (<see cref="SandboxPath.Normalize"/>) where they
/// compared them component by component on every call: these pin that both give the same answers, also for paths not
/// in the usual form (a trailing slash, an empty component, the root, a relative path).
/// </summary>
public sealed class HostMountTreeTests
{
    private static readonly string[] s_paths =
        ["/", "//", "/a", "/a/", "/a//", "/a//b", "/a/b", "/a/b/", "/ab", "/a/bc", "a/b", "a", "/a/b/c", "//a/b", "/a/./b"];

    public static TheoryData<string, string> Pairs()
    {
        TheoryData<string, string> pairs = [];
        foreach (string a in s_paths)
        {
            foreach (string b in s_paths)
            {
                pairs.Add(a, b);
            }
        }

        return pairs;
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Normalized_SameAnswersAsComponentComparison(string ancestor, string path)
    {
        Assert.Equal(SandboxPath.IsSameOrAncestor(ancestor, path), SandboxPath.IsSameOrAncestorNormalized(SandboxPath.Normalize(ancestor), SandboxPath.Normalize(path)));
        string table = $"22 1 8:1 / / rw - ext4 /dev/vda rw\n30 22 0:50 / {path} rw - tmpfs t rw\n";
        HostMountTree tree = new(HostMount.Parse(table));
        Assert.Equal(SandboxPath.IsStrictAncestor(ancestor, path), tree.IsStrictlyBelow(1, SandboxPath.Normalize(ancestor)));
    }

    [Theory]
    [InlineData("/mnt//s")]
    [InlineData("/mnt/s/")]
    [InlineData("/mnt/s")]
    public void VisibleAt_MountPointNotInTheUsualForm_FoundAsItsComponents(string mountPoint)
    {
        string table = $"""
            22 1 8:1 / / rw - ext4 /dev/vda rw
            41 40 0:51 / {mountPoint} rw - tmpfs b rw
            40 22 0:50 / /mnt/s rw - tmpfs a rw
            """;
        IReadOnlyList<HostMount> mounts = HostMount.Parse(table);

        Assert.Equal(41, HostMount.VisibleAt(mounts, "/mnt/s/f")?.Id);
        Assert.Equal(41, HostMount.VisibleAt(mounts, "/mnt//s/")?.Id);
        Assert.Equal(22, HostMount.VisibleAt(mounts, "/mnt/sx")?.Id);
    }

    [Fact]
    public void VisibleAt_TableWithoutRoot_LastListedMountAbove()
    {
        IReadOnlyList<HostMount> mounts = [new HostMount("/", false), new HostMount("/mnt/", false, "0:50"), new HostMount("/mnt/s", false, "0:51")];

        Assert.Equal("0:51", HostMount.VisibleAt(mounts, "/mnt/s/f")?.Device);
        Assert.Equal("0:50", HostMount.VisibleAt(mounts, "/mnt/x")?.Device);
        Assert.Equal("", HostMount.VisibleAt(mounts, "/srv")?.Device);
    }
}
