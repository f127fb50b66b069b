namespace Nono.Action.ActionMode;

/// <summary>enforce or audit.</summary>
internal enum ActionRunMode
{
    Enforce,
    Audit,
}
