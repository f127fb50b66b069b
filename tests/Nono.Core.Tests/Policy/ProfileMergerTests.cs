using Nono.Core.Policy;

namespace Nono.Core.Tests.Policy;

public sealed class ProfileMergerTests
{
    [Fact]
    public void Merge_Lists_UnionInOrderWithoutDuplicates()
    {
        Profile parent = new() { Filesystem = new FilesystemSection { Allow = ["/a", "/b"] }, Security = new SecuritySection { Groups = ["g1"] } };
        Profile child = new() { Filesystem = new FilesystemSection { Allow = ["/b", "/c"] }, Security = new SecuritySection { Groups = ["g2", "g1"] } };

        Profile merged = ProfileMerger.Merge(parent, child);

        Assert.Equal(["/a", "/b", "/c"], merged.Filesystem.Allow);
        Assert.Equal(["g1", "g2"], merged.Security.Groups);
    }

    [Fact]
    public void Merge_Scalars_ChildWinsOnlyWhenSet()
    {
        Profile parent = new() { Network = new NetworkSection { Block = true, AllowUnixSockets = true }, Workdir = new WorkdirSection { Access = WorkdirAccess.Read } };
        Profile child = new() { Network = new NetworkSection { Block = false }, Meta = new ProfileMeta { Name = "child" } };

        Profile merged = ProfileMerger.Merge(parent, child);

        Assert.False(merged.Network.Block);
        Assert.True(merged.Network.AllowUnixSockets);
        Assert.Equal(WorkdirAccess.Read, merged.Workdir.Access);
        Assert.Equal("child", merged.Meta.Name);
    }

    [Fact]
    public void Merge_Denies_AccumulateAndCannotBeRemoved()
    {
        Profile parent = new() { Filesystem = new FilesystemSection { Deny = ["/secret"] } };
        Profile child = new() { Filesystem = new FilesystemSection { Deny = [], Allow = ["/secret"] } };

        Profile merged = ProfileMerger.Merge(parent, child);

        Assert.Equal(["/secret"], merged.Filesystem.Deny);
    }

    [Fact]
    public void Merge_Maps_MergeByKeyChildWins()
    {
        Profile parent = new() { Environment = new EnvironmentSection { Set = new Dictionary<string, string> { ["A"] = "1", ["B"] = "1" } } };
        Profile child = new() { Environment = new EnvironmentSection { Set = new Dictionary<string, string> { ["B"] = "2" } } };

        Profile merged = ProfileMerger.Merge(parent, child);

        Assert.Equal("1", merged.Environment.Set["A"]);
        Assert.Equal("2", merged.Environment.Set["B"]);
    }
}
