using Nono.Core.Capabilities;

namespace Nono.Core.Sandbox;

public static partial class SandboxPlanner
{
    /// <summary>
    /// What makes Landlock ABI &lt; 5 weaker than ABI 5 for device ioctl, or null. ABI 5 gives IOCTL_DEV only on grants
    /// under /dev (<see cref="SandboxPath.GetsDeviceIoctl"/>), so ABI &lt; 5 differs exactly where a grant outside /dev reaches a device node:
    /// a grant above /dev (/ itself), a file grant that is a device, or a device node inside a writable directory grant.
    /// Opens Landlock never checks (access mode 3) are refused by seccomp below ABI 5, so ungranted devices are not reached.
    /// In the pidns containment every mount but /dev is nodev (<see cref="ChildInit"/>): a device node outside /dev does
    /// not open there, so only grants that reach /dev count and nothing is walked. Elsewhere, read-only directory grants
    /// are not walked (the system trees would cost seconds on every run); only root outside the sandbox can put a device
    /// node there, the sandboxed command cannot (no MakeChar/MakeBlock, no mount, and mknod needs CAP_MKNOD).
    /// </summary>
    internal static string? DeviceIoctlExposure(IReadOnlyList<FsGrant> grants, bool nodevOutsideDev)
    {
        foreach (FsGrant grant in grants)
        {
            if (SandboxPath.GetsDeviceIoctl(grant.Path))
            {
                continue; // IOCTL_DEV is granted there on ABI 5 too
            }

            if (SandboxPath.IsSameOrAncestor(grant.Path, "/dev"))
            {
                return $"the devices under /dev through the grant {grant.Path} [{grant.Source}]";
            }

            if (nodevOutsideDev)
            {
                continue; // grant paths are canonical: what lies outside /dev is on a nodev mount in the namespace
            }

            if (grant.IsFile)
            {
                if (OperatingSystem.IsLinux() && DeviceNodeScan.IsDevice(grant.Path))
                {
                    return $"the device {grant.Path} [{grant.Source}]";
                }
            }
            else if ((grant.Access & FsAccess.Write) != 0 && OperatingSystem.IsLinux() && DeviceNodeScan.Find(grant.Path) is string found)
            {
                return $"the device node {found} in the grant {grant.Path} [{grant.Source}]";
            }
        }

        return null;
    }

}
