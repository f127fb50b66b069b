namespace Nono.Reports.Model;

/// <summary>How serious a violation is. Ordered: a higher value is more severe.</summary>
public enum Severity
{
    /// <summary>Informational.</summary>
    Note = 0,

    /// <summary>Worth a reviewer's attention.</summary>
    Warning = 1,

    /// <summary>A policy was broken.</summary>
    Error = 2,
}
