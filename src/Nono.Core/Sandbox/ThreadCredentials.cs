using System.Runtime.Versioning;
using Nono.Core.Sandbox.Interop;

namespace Nono.Core.Sandbox;

/// <summary>
/// Lets the calling thread act as a sandboxed caller for the kernel's permission checks, so that a call nono performs on
/// the caller's behalf succeeds or fails exactly as the caller's own would (owner checks, CAP_CHOWN, CAP_FOWNER, write
/// permission, search permission on the way). Filesystem IDs, supplementary groups (raw setgroups) and capabilities are
/// per thread in Linux: nono's other threads keep theirs. A change is made only where the caller differs, so a nono run by
/// the same user as its command switches nothing. Restoring failing leaves the thread weaker, never stronger: it throws.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed unsafe class ThreadCredentials
{
    private const uint Unchanged = uint.MaxValue; // setfsuid(-1) only returns the current value

    private readonly uint _fsuid;
    private readonly uint _fsgid;
    private readonly uint[] _groups;
    private readonly Interop.Interop.cap_user_data_t _low;
    private readonly Interop.Interop.cap_user_data_t _high;

    private ThreadCredentials(uint fsuid, uint fsgid, uint[] groups, Interop.Interop.cap_user_data_t low, Interop.Interop.cap_user_data_t high)
    {
        (_fsuid, _fsgid, _groups, _low, _high) = (fsuid, fsgid, groups, low, high);
    }

    /// <summary>Switches the calling thread to <paramref name="caller"/>; null (and nothing changed) when it cannot.</summary>
    public static ThreadCredentials? Assume(CallerCredentials caller)
    {
        Interop.Interop.cap_user_data_t* caps = stackalloc Interop.Interop.cap_user_data_t[2];
        if (!GetCapabilities(caps))
        {
            return null;
        }

        ThreadCredentials saved = new((uint)Interop.Interop.Libc.setfsuid(Unchanged), (uint)Interop.Interop.Libc.setfsgid(Unchanged), Groups(), caps[0], caps[1]);
        try
        {
            bool switched = (SameSet(saved._groups, caller.Groups) || SetGroups(caller.Groups))
                && SetFsGid(caller.FsGid) && SetFsUid(caller.FsUid);
            // The caller's effective set, within what this thread may hold (a caller with more: nono's checks are stricter).
            caps[0] = saved._low with { effective = (uint)caller.EffectiveCapabilities & saved._low.permitted };
            caps[1] = saved._high with { effective = (uint)(caller.EffectiveCapabilities >> 32) & saved._high.permitted };
            if (switched && SetCapabilities(caps))
            {
                return saved;
            }
        }
        catch
        {
            saved.Restore();
            throw;
        }

        saved.Restore();
        return null;
    }

    /// <summary>Returns the thread to the credentials it had before <see cref="Assume"/>; throws when it cannot.</summary>
    public void Restore()
    {
        Interop.Interop.cap_user_data_t* caps = stackalloc Interop.Interop.cap_user_data_t[2];
        caps[0] = _low;
        caps[1] = _high;
        // Capabilities first (CAP_SETUID/CAP_SETGID for the IDs), and again after: setfsuid(0) raises the filesystem ones.
        bool restored = SetCapabilities(caps) && SetFsUid(_fsuid) && SetFsGid(_fsgid)
            && (SameSet(Groups(), _groups) || SetGroups(_groups)) && SetCapabilities(caps);
        if (!restored)
        {
            throw new InvalidOperationException("could not restore the metadata supervisor's credentials");
        }
    }

    private static bool SetFsUid(uint id) => Interop.Interop.Libc.setfsuid(Unchanged) == (int)id
        || (Interop.Interop.Libc.setfsuid(id) >= 0 && Interop.Interop.Libc.setfsuid(Unchanged) == (int)id);

    private static bool SetFsGid(uint id) => Interop.Interop.Libc.setfsgid(Unchanged) == (int)id
        || (Interop.Interop.Libc.setfsgid(id) >= 0 && Interop.Interop.Libc.setfsgid(Unchanged) == (int)id);

    private static bool SameSet(uint[] a, uint[] b) => a.Length == b.Length && a.Order().SequenceEqual(b.Order());

    private static uint[] Groups()
    {
        int count = Interop.Interop.Libc.getgroups(0, null);
        uint[] groups = new uint[Math.Max(count, 0)];
        fixed (uint* list = groups)
        {
            // SAFETY: list has room for groups.Length gid_t values.
            count = groups.Length == 0 ? 0 : Interop.Interop.Libc.getgroups(groups.Length, list);
        }

        return count == groups.Length ? groups : throw new InvalidOperationException("getgroups changed under the metadata supervisor");
    }

    private static bool SetGroups(uint[] groups)
    {
        fixed (uint* list = groups)
        {
            // SAFETY: list holds groups.Length gid_t values for the call (null when empty: the kernel reads none).
            return Interop.Interop.Libc.syscall(Interop.Interop.SetgroupsNumber, groups.Length, (nint)list, 0) == 0;
        }
    }

    private static bool GetCapabilities(Interop.Interop.cap_user_data_t* caps)
    {
        Interop.Interop.cap_user_header_t header = new() { version = Interop.Interop.LINUX_CAPABILITY_VERSION_3 };
        // SAFETY: header is on this frame; caps points to two data structs (version 3).
        return Interop.Interop.Libc.capget(&header, caps) == 0;
    }

    private static bool SetCapabilities(Interop.Interop.cap_user_data_t* caps)
    {
        Interop.Interop.cap_user_header_t header = new() { version = Interop.Interop.LINUX_CAPABILITY_VERSION_3 };
        // SAFETY: as GetCapabilities.
        return Interop.Interop.Libc.capset(&header, caps) == 0;
    }
}
