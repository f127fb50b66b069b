using System.Runtime.CompilerServices;

namespace Nono.Core.Sandbox;

// SAFETY: as ChildNetns.cs: only the prepared ChildContext (id maps, capability buffers from
// NativeLaunchState.PrepareUserNamespace) and libc through its function pointers, in a cloned child that owns its memory.
internal static unsafe partial class ChildNetns
{
    /// <summary>
    /// Maps only the caller's ids into the new user namespace it was cloned into (setgroups deny first, as an unprivileged
    /// gid map needs). Returns 0 or (errno &lt;&lt; 32) | stage.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static long MapUserNamespace(ChildContext* c)
    {
        if (c == null)
        {
            return 0;
        }

        // The supervisor is non-dumpable, which makes /proc/self/* root-owned: an unprivileged child could not open
        // its own uid_map. Dumpable only around the map writes; execve resets it anyway.
        int stage = (int)ChildStage.NetnsDumpable;
        if (c->Prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) != 0)
        {
            goto Fail;
        }

        stage = (int)ChildStage.NetnsSetgroups;
        if (!WriteFile(c, c->SetgroupsPath, c->SetgroupsDeny))
        {
            goto Fail;
        }

        stage = (int)ChildStage.NetnsUidMap;
        if (!WriteFile(c, c->UidMapPath, c->UidMap))
        {
            goto Fail;
        }

        stage = (int)ChildStage.NetnsGidMap;
        if (!WriteFile(c, c->GidMapPath, c->GidMap))
        {
            goto Fail;
        }

        stage = (int)ChildStage.NetnsDumpable;
        if (c->Prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0)
        {
            return 0;
        }

    Fail:
        return ((long)*c->ErrnoLocation() << 32) | (uint)stage;
    }

    /// <summary>
    /// Root of a new user namespace holds every capability in it: drops them all (bounding, ambient, then the sets), so
    /// nothing in the sandbox can reconfigure its namespaces or regain them at exec. Returns 0 or (errno &lt;&lt; 32) | stage.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static long DropCapabilities(ChildContext* c)
    {
        if (c == null)
        {
            return 0;
        }

        for (int cap = 0; cap <= c->CapLastCap; cap++)
        {
            // Only what is still in the bounding set: dropping needs CAP_SETPCAP, which a process that already has none (a
            // nono run inside a capability-less root sandbox) lacks, while there is then nothing left to drop.
            if (c->Prctl(PR_CAPBSET_READ, (nuint)cap, 0, 0, 0) == 1 && c->Prctl(PR_CAPBSET_DROP, (nuint)cap, 0, 0, 0) != 0)
            {
                goto Fail;
            }
        }

        if (c->Prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == 0
            && c->Syscall(c->SysCapset, (nint)c->CapHeader, (nint)c->CapData, 0) == 0)
        {
            return 0;
        }

    Fail:
        return ((long)*c->ErrnoLocation() << 32) | (uint)ChildStage.NetnsDropCapabilities;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static bool WriteFile(ChildContext* c, byte* path, byte* text)
    {
        if (c == null)
        {
            return false;
        }

        nint length = 0;
        while (text[length] != 0)
        {
            length++;
        }

        int fd = c->Open(path, O_WRONLY | O_CLOEXEC, 0);
        if (fd < 0)
        {
            return false;
        }

        bool ok = c->Write(fd, text, length) == length;
        int saved = *c->ErrnoLocation();
        c->Close(fd);
        *c->ErrnoLocation() = saved;
        return ok;
    }
}
