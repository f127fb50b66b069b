using System.Runtime.Versioning;
using Nono.Core.Audit.Observers;

namespace Nono.Testing;

/// <summary>
/// Turns the kernel audit on for a test (Landlock writes its records only then) and restores the previous setting.
/// Root only. The host's setting is never left changed: Dispose puts back exactly what it found.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class KernelAuditScope : IDisposable
{
    private readonly bool _wasEnabled;
    private readonly bool _changed;

    private KernelAuditScope(bool wasEnabled, bool changed)
    {
        _wasEnabled = wasEnabled;
        _changed = changed;
    }

    /// <summary>Enables the audit; null when this process may not (not root, or not in the initial namespaces).</summary>
    public static KernelAuditScope? TryEnable()
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

        return new KernelAuditScope(wasEnabled, !wasEnabled);
    }

    public void Dispose()
    {
        if (_changed)
        {
            KernelAudit.SetEnabled(_wasEnabled);
        }
    }
}
