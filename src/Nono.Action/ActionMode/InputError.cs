namespace Nono.Action.ActionMode;

/// <summary>One invalid input: its name as in action.yml and what is wrong.</summary>
internal sealed record InputError(string Input, string Problem)
{
    public override string ToString() => $"input '{Input}': {Problem}";
}
