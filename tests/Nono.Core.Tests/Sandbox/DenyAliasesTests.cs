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

    [Fact]
    public void With_AMountInsideTheDeny_AliasesItsOtherMountsOnAnotherDevice()
    {
        // A tmpfs at /mnt/t whose file /config is bound at ~/.kube/config (inside the deny ~/.kube, another device); a
        // bind of the tmpfs below the deny itself is not an alias (the deny covers it).
        const string table = """
            22 1 8:1 / / rw - ext4 /dev/vda rw
            40 22 0:50 / /mnt/t rw - tmpfs t rw
            41 22 0:50 /config /home/u/.kube/config rw - tmpfs t rw
            42 22 0:50 / /home/u/.kube/all rw - tmpfs t rw
            43 22 0:51 / /mnt/other rw - tmpfs o rw
            """;
        FsDeny[] denies = [new("/home/u/.kube", "group:deny_credentials")];

        List<FsDeny> all = DenyAliases.With(denies, HostMount.Parse(table));

        FsDeny alias = Assert.Single(all, d => d.Path == "/mnt/t/config");
        Assert.Equal("alias of deny /home/u/.kube (the mount at /home/u/.kube/config inside it) through the mount at /mnt/t; group:deny_credentials", alias.Source);
        Assert.Contains(all, d => d.Path == "/mnt/t");
        Assert.DoesNotContain(all, d => d.Path.StartsWith("/mnt/other", StringComparison.Ordinal) || d.Path.StartsWith("/home/u/.kube/", StringComparison.Ordinal));
    }
}
