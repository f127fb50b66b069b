using System.Globalization;

namespace Nono.Core.Audit.Observers;

public sealed partial class LandlockAuditReader
{
    private const int MaxLineageDepth = 16;

    /// <summary>
    /// Whether the process that created a domain is the tracked child or one of its descendants. With process
    /// containment the tracked child is a relay: the command that restricts itself is its grandchild (relay, init,
    /// command), so the creator is found by walking parent links in /proc. The record arrives while the creator is
    /// normally still alive (it is logged at the domain's first denial); a creator already gone is not attributed.
    /// </summary>
    private bool IsSessionCreator(int creator)
    {
        if (_childPid == 0)
        {
            return false;
        }

        int pid = creator;
        for (int depth = 0; depth < MaxLineageDepth && pid > 1; depth++)
        {
            if (pid == _childPid)
            {
                return true;
            }

            if (ParentOf(pid) is not int parent)
            {
                return false;
            }

            pid = parent;
        }

        return false;
    }

    /// <summary>The parent pid from /proc/PID/stat (the field after the last ')', since comm may hold spaces and parentheses).</summary>
    private static int? ParentOf(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (IOException)
        {
            return null; // gone
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        int close = stat.LastIndexOf(')');
        string[] fields = stat[(close + 2)..].Split(' ');
        return fields.Length > 1 && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out int parent) ? parent : null;
    }
}
