namespace Nono.Action.ActionMode;

/// <summary>A secret from the step's environment bound to a proxy service.</summary>
internal sealed record CredentialMapping(string Service, string EnvironmentVariable);
