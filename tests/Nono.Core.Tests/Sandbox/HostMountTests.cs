using Nono.Core.Sandbox;

namespace Nono.Core.Tests.Sandbox;

/// <summary>The mount visible at a path is decided by the mount tree, not by mountinfo's listing order.</summary>
public sealed class HostMountTests
{
    [Fact]
    public void VisibleAt_MountMovedBelowALaterMount_IsFoundThroughItsParent()
    {
        // 30 was mounted first, then moved (mount --move) below the tmpfs 31: it keeps its early place in the list.
        const string table = """
            22 1 8:1 / / rw - ext4 /dev/vda rw
            30 31 8:1 /home /mnt/h rw - ext4 /dev/vda rw
            31 22 0:50 / /mnt rw - tmpfs t rw
            """;
        IReadOnlyList<HostMount> mounts = HostMount.Parse(table);

        Assert.Equal(30, HostMount.VisibleAt(mounts, "/mnt/h/u/.ssh")?.Id);
        Assert.Equal(31, HostMount.VisibleAt(mounts, "/mnt/other")?.Id);
        Assert.Equal(22, HostMount.VisibleAt(mounts, "/home/u")?.Id);
        Assert.Contains("/mnt/h/u/.ssh", DenyAliases.Of("/home/u/.ssh", mounts).Select(a => a.Alias));
    }

    [Fact]
    public void VisibleAt_StackedMounts_TopOfTheStackWhateverTheOrder()
    {
        // 41 is stacked on 40 (same mount point, parent 40) but listed first; 42 sits below 40's point in the
        // underlying file system and is hidden by 43, mounted later higher up.
        const string table = """
            22 1 8:1 / / rw - ext4 /dev/vda rw
            41 40 0:51 / /mnt/s rw - tmpfs b rw
            40 22 0:50 / /mnt/s rw - tmpfs a rw
            42 22 0:52 / /srv/x/y rw - tmpfs c rw
            43 22 0:53 / /srv/x rw - tmpfs d rw
            """;
        IReadOnlyList<HostMount> mounts = HostMount.Parse(table);

        Assert.Equal(41, HostMount.VisibleAt(mounts, "/mnt/s/f")?.Id);
        Assert.Equal(43, HostMount.VisibleAt(mounts, "/srv/x/y/z")?.Id);
        Assert.Equal(22, HostMount.VisibleAt(mounts, "/")?.Id);
    }
}
