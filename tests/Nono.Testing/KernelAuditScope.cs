using System.Runtime.Versioning;
using Nono.Core.Audit.Observers;

namespace Nono.Testing;

/// <summary>
/// Turns the kernel audit on for a test (Landlock writes its records only then) and restores the previous setting.
/// Root only. Scopes are counted across the test process: test classes run in parallel, and the first scope's end must
/// not switch the audit off under another one still running (a landlock-audit record then goes missing). The last scope
/// puts back exactly what the first one found.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class KernelAuditScope : IDisposable
{
    private static readonly Lock s_lock = new();
    private static int s_holders;
    private static bool s_switchedOn;
    private bool _disposed;

    private KernelAuditScope()
    {
    }

    /// <summary>Enables the audit; null when this process may not (not root, or not in the initial namespaces).</summary>
    public static KernelAuditScope? TryEnable()
    {
        lock (s_lock)
        {
            if (s_holders == 0)
            {
                if (KernelAudit.Status() is not { } status)
                {
                    return null;
                }

                bool wasEnabled = status.enabled != 0;
                if (!wasEnabled && !KernelAudit.SetEnabled(true))
                {
                    return null;
                }

                s_switchedOn = !wasEnabled;
            }

            s_holders++;
            return new KernelAuditScope();
        }
    }

    public void Dispose()
    {
        lock (s_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (--s_holders == 0 && s_switchedOn)
            {
                KernelAudit.SetEnabled(false);
                s_switchedOn = false;
            }
        }
    }
}
