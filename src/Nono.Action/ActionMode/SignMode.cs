namespace Nono.Action.ActionMode;

/// <summary>How the session record is signed.</summary>
internal enum SignMode
{
    Auto,
    Keyless,
    Key,
    None,
}
