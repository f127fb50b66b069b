using Nono.Core.Sandbox;

namespace Nono.Core.Tests.Sandbox;

/// <summary>
/// The evidence that lets <c>nono run</c> skip its namespace probe forks: only the plain case is trusted, every sign of
/// a container, a nested sandbox or a restricting setting sends it back to probing.
/// </summary>
public sealed class NamespaceEvidenceTests
{
    private const string Status = "Name:\tnono\nNoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n";
    private const string InitialMap = "         0          0 4294967295\n";
    private const string MountInfo = "22 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n23 22 0:21 / /proc rw,nosuid - proc proc rw\n24 22 0:22 / /sys rw - sysfs sysfs rw\n";

    [Fact]
    public void PlainHost_NoProbeNeeded()
    {
        Assert.Null(NamespaceEvidence.ProbeNeeded(Status, InitialMap, MountInfo, null, "96364", null, null));
        Assert.Null(NamespaceEvidence.ProbeNeeded(Status, InitialMap, MountInfo, "unconfined\n", "96364", "1", "0"));
    }

    [Fact]
    public void AnyNamespaceLimitAtZero_ProbeNeeded()
    {
        Assert.Equal("96364", NamespaceEvidence.SmallestLimit("96364\n", "96364", "96364", "96364"));
        string? netNamespacesOff = NamespaceEvidence.SmallestLimit("96364\n", "0\n", "96364", "96364");
        Assert.NotNull(NamespaceEvidence.ProbeNeeded(Status, InitialMap, MountInfo, null, netNamespacesOff, null, null));
        Assert.NotNull(NamespaceEvidence.ProbeNeeded(Status, InitialMap, MountInfo, null, NamespaceEvidence.SmallestLimit("96364", null, "1", "1"), null, null));
    }

    [Theory]
    [InlineData("seccomp")]
    [InlineData("nested")]
    [InlineData("lsm")]
    [InlineData("max0")]
    [InlineData("clone0")]
    [InlineData("apparmor")]
    [InlineData("procmask")]
    [InlineData("unreadable")]
    public void AnySignOfRestriction_ProbeNeeded(string sign)
    {
        string? reason = sign switch
        {
            "seccomp" => NamespaceEvidence.ProbeNeeded(Status.Replace("Seccomp:\t0", "Seccomp:\t2", StringComparison.Ordinal), InitialMap, MountInfo, null, "96364", null, null),
            "nested" => NamespaceEvidence.ProbeNeeded(Status, "0 1000 1\n", MountInfo, null, "96364", null, null),
            "lsm" => NamespaceEvidence.ProbeNeeded(Status, InitialMap, MountInfo, "docker-default (enforce)\n", "96364", null, null),
            "max0" => NamespaceEvidence.ProbeNeeded(Status, InitialMap, MountInfo, null, "0\n", null, null),
            "clone0" => NamespaceEvidence.ProbeNeeded(Status, InitialMap, MountInfo, null, "96364", "0\n", null),
            "apparmor" => NamespaceEvidence.ProbeNeeded(Status, InitialMap, MountInfo, null, "96364", null, "1\n"),
            "procmask" => NamespaceEvidence.ProbeNeeded(Status, InitialMap, MountInfo + "25 23 0:5 /null /proc/kcore ro - devtmpfs udev rw\n", null, "96364", null, null),
            _ => NamespaceEvidence.ProbeNeeded(null, InitialMap, MountInfo, null, "96364", null, null),
        };

        Assert.NotNull(reason);
    }
}
