namespace Nono.Action.ActionMode;

/// <summary>A file version whose contents are not in the artifact (the review shows its change as not restorable).</summary>
internal sealed record OmittedObject(string Hash, long Size, string Path, string Reason);
