using Nono.Core.Sandbox;
using Nono.Testing;

namespace Nono.Core.Tests.Sandbox;

public sealed class WritableMountsTests
{
    private const LandlockFs ReadWrite = LandlockFs.ReadSet | LandlockFs.WriteSet;

    [Fact]
    public void For_WritableGrant_IsBoundAndItsWritableHostMountsBelowItAreMadeWritable()
    {
        using TempDirectory grant = new("nono-wm-");
        using TempDirectory readOnly = new("nono-wm-");
        string table = $"""
            22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/vda rw
            30 22 0:50 / {grant.Path}/sub\040dir rw,nosuid - tmpfs tmpfs rw
            31 22 0:51 / {grant.Path}/ro ro,nosuid - tmpfs tmpfs rw
            32 22 0:52 / /proc rw - proc proc rw
            33 22 0:53 / {readOnly.Path}/mounted rw - tmpfs tmpfs rw
            """;
        LandlockPathRule[] rules =
        [
            new(grant.Path, ReadWrite, IsFile: false, "--allow"),
            new(readOnly.Path, LandlockFs.ReadSet, IsFile: false, "--read"),
        ];

        WritableMounts mounts = WritableMounts.For(rules, HostMount.Parse(table));

        Assert.Equal([grant.Path], mounts.Binds);
        Assert.Equal([grant.Path, $"{grant.Path}/sub dir"], mounts.Writable); // not ro/, not the read-only grant's mount
        Assert.False(mounts.PrivateShm);
    }

    [Fact]
    public void For_GrantOnAReadOnlyHostMount_StaysReadOnlyWithWhatItCovers()
    {
        using TempDirectory grant = new("nono-wm-");
        // A writable mount below the grant, then a read-only mount over the grant itself (which hides the first).
        string table = $"""
            22 1 8:1 / / rw - ext4 /dev/vda rw
            30 22 0:50 / {grant.Path}/x rw - tmpfs tmpfs rw
            31 22 0:51 / {grant.Path} ro - tmpfs tmpfs rw
            """;

        WritableMounts mounts = WritableMounts.For([new(grant.Path, ReadWrite, IsFile: false, "--allow")], HostMount.Parse(table));

        Assert.Equal([grant.Path], mounts.Binds);
        Assert.Empty(mounts.Writable);
    }

    [Fact]
    public void For_LinksDevicesAndDevShm_AreNotBound_AndAWritableDevShmIsPrivate()
    {
        using TempDirectory carved = new("nono-wm-");
        string file = Path.Combine(carved.Path, "file");
        string link = Path.Combine(carved.Path, "link");
        File.WriteAllText(file, "");
        File.CreateSymbolicLink(link, "/etc/passwd");
        LandlockPathRule[] rules =
        [
            new(file, ReadWrite & LandlockFs.FileRights, IsFile: true, "--allow"),
            new(link, ReadWrite & LandlockFs.FileRights, IsFile: true, "--allow"), // a carved sibling that is a link: its target would be bound
            new("/dev/null", ReadWrite & LandlockFs.FileRights, IsFile: true, "--allow-file"),
            new("/dev/shm", ReadWrite, IsFile: false, "--allow"),
        ];

        WritableMounts mounts = WritableMounts.For(rules, HostMount.Parse("22 1 8:1 / / rw - ext4 /dev/vda rw\n"));

        Assert.Equal([file], mounts.Binds);
        Assert.Equal([file], mounts.Writable);
        Assert.True(mounts.PrivateShm);
        Assert.EndsWith("; /dev/shm private to the namespace", WritableMounts.Describe(rules));
        Assert.DoesNotContain("/dev/shm", WritableMounts.Describe(rules[..3]));
    }
}
