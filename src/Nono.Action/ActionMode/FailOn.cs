namespace Nono.Action.ActionMode;

/// <summary>Which violation severity fails the step.</summary>
internal enum FailOn
{
    None,
    Warning,
    Error,
}
