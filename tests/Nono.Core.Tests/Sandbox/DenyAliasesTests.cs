using Nono.Core.Capabilities;
using Nono.Core.Sandbox;

namespace Nono.Core.Tests.Sandbox;

public sealed class DenyAliasesTests
{
    private const string Table = """
        22 1 8:1 / / rw - ext4 /dev/vda rw
        30 22 8:1 /home /mnt/h rw - ext4 /dev/vda rw
        31 22 8:1 /home/u/.ssh/keys /srv/keys rw - ext4 /dev/vda rw
        32 22 8:1 /var /mnt/v rw - ext4 /dev/vda rw
        33 22 8:2 / /mnt/other rw - ext4 /dev/vdb rw
        34 22 8:1 /home /mnt/covered rw - ext4 /dev/vda rw
        35 34 0:40 / /mnt/covered/u rw - tmpfs tmpfs rw
        """;

    [Fact]
    public void Of_BindsOfTheSameFileSystem_AreAliasesUnlessCoveredOrOutside()
    {
        string[] aliases = [.. DenyAliases.Of("/home/u/.ssh", HostMount.Parse(Table)).Select(a => a.Alias)];

        // /mnt/h shows /home: alias below it; /srv/keys shows a directory inside the deny: all of it; /mnt/v shows
        // /var (not above the deny); /mnt/other is another device; /mnt/covered/u is hidden by a tmpfs.
        Assert.Equal(["/mnt/h/u/.ssh", "/srv/keys"], aliases);
    }

    [Fact]
    public void Of_DenyOnABindMount_FindsTheOriginalPlace()
    {
        string[] aliases = [.. DenyAliases.Of("/mnt/h/u/.aws", HostMount.Parse(Table)).Select(a => a.Alias)];

        Assert.Contains("/home/u/.aws", aliases);
    }

    [Fact]
    public void With_AddsEachAliasOnceAsADenyOfTheSameKindNamingItsOrigin()
    {
        FsDeny[] denies = [new("/home/u/.ssh", "group:deny_credentials"), new("/home/u/.config/x", "profile") { WriteOnly = true }];

        List<FsDeny> all = DenyAliases.With(denies, HostMount.Parse(Table));

        FsDeny alias = Assert.Single(all, d => d.Path == "/mnt/h/u/.ssh");
        Assert.False(alias.WriteOnly);
        Assert.Equal("alias of deny /home/u/.ssh through the mount at /mnt/h; group:deny_credentials", alias.Source);
        Assert.True(Assert.Single(all, d => d.Path == "/mnt/h/u/.config/x").WriteOnly);
        Assert.Equal(all.Count, all.Select(d => (d.Path, d.WriteOnly)).Distinct().Count());
    }
}
